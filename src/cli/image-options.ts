/** Flags shared by every command that reads an image, and their translation into options. */
import { Option, type Command } from 'commander';
import { PortcullisError, Secret } from '../core/index.js';
import { parsePlatform, parseCreds } from '../oci/index.js';
import type { CatalogTargetOptions } from '../scan/index.js';

export interface ImageFlags {
  platform?: string;
  creds?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  authfile?: string;
  insecure?: boolean;
  cacheDir?: string;
  cache?: boolean;
  maxLayerSize?: string;
  maxRatio?: string;
  quiet?: boolean;
}

export function addImageOptions(cmd: Command): Command {
  return cmd
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-arch index (default: this machine)')
    .option('--creds <user:password>', 'registry credentials')
    .option('--username <user>', 'registry user name (with --password or REGISTRY_PASSWORD)')
    .addOption(new Option('--password <password>', 'registry password (prefer REGISTRY_PASSWORD)').env('REGISTRY_PASSWORD'))
    .option('--authfile <file>', 'auth file to read credentials from (default: REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries')
    .addOption(new Option('--cache-dir <dir>', 'layer cache directory').env('PORTCULLIS_CACHE_DIR'))
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--max-layer-size <bytes>', 'largest uncompressed layer to read (suffixes K, M, G)', '64G')
    .option('--max-ratio <n>', 'largest compression ratio accepted for layers over 256 MiB', '500')
    .option('-q, --quiet', 'no progress or warnings on stderr');
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new PortcullisError({ code: 'USAGE', message: `Invalid size "${s}"`, hint: 'Use a number of bytes with an optional K, M, G or T suffix, e.g. 512M.' });
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}

export function imageOptionsFrom(flags: ImageFlags): CatalogTargetOptions {
  const opts: CatalogTargetOptions = {};
  if (flags.platform) opts.platform = parsePlatform(flags.platform);
  if (flags.creds) opts.credentials = parseCreds(flags.creds);
  else if (flags.username) {
    if (!flags.password) throw new PortcullisError({ code: 'USAGE', message: '--username needs a password', hint: 'Set REGISTRY_PASSWORD or pass --password.' });
    opts.credentials = { username: flags.username, password: new Secret(flags.password) };
  }
  if (flags.authfile) opts.authFile = flags.authfile;
  if (flags.insecure) opts.insecure = true;
  if (flags.cacheDir) opts.cacheDir = flags.cacheDir;
  if (flags.cache === false) opts.noCache = true;
  const ratio = Number(flags.maxRatio ?? '500');
  if (!Number.isFinite(ratio) || ratio < 1) throw new PortcullisError({ code: 'USAGE', message: `Invalid --max-ratio "${flags.maxRatio}"`, hint: 'Use a number >= 1.' });
  opts.limits = { maxLayerBytes: parseSize(flags.maxLayerSize ?? '64G'), maxRatio: ratio };
  return opts;
}
