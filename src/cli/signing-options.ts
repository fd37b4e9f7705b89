/**
 * What the key, sign, attest, verify and copy commands share: registry flags, key loading and the
 * private key password (`PORTCULLIS_PASSWORD`, then cosign's `COSIGN_PASSWORD`, or a prompt on a
 * terminal, never a silent hang).
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { Option, type Command } from 'commander';
import { PortcullisError, Secret } from '../core/index.js';
import {
  loadPrivateKey,
  loadPublicKey,
  isPkcs11Uri,
  Pkcs11Signer,
  KeySigner,
  type Signer,
} from '../attest/index.js';
import {
  parseImageReference,
  type DockerReference,
  RegistryClient,
  findCredentials,
  parseCreds,
  type Credentials,
} from '../oci/index.js';
import { TOOL_VERSION } from './version.js';
import type { RetryPolicy } from '../http/index.js';

export const PASSWORD_ENV = 'PORTCULLIS_PASSWORD';
/** cosign's variable, read when PASSWORD_ENV is not set (so cosign users' scripts keep working). */
export const COSIGN_PASSWORD_ENV = 'COSIGN_PASSWORD';

export interface RegistryFlags {
  creds?: string;
  username?: string;
  password?: string;
  authfile?: string;
  insecure?: boolean;
}

export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--creds <user:password>', 'registry credentials')
    .option('--username <user>', 'registry user name (with --password or REGISTRY_PASSWORD)')
    .addOption(new Option('--password <password>', 'registry password (prefer REGISTRY_PASSWORD)').env('REGISTRY_PASSWORD'))
    .option('--authfile <file>', 'auth file to read credentials from (default: REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries');
}

function explicitCredentials(flags: RegistryFlags, creds?: string): Credentials | undefined {
  if (creds) return parseCreds(creds);
  if (flags.creds) return parseCreds(flags.creds);
  if (flags.username) {
    if (!flags.password) throw new PortcullisError({ code: 'USAGE', message: '--username needs a password', hint: 'Set REGISTRY_PASSWORD or pass --password.' });
    return { username: flags.username, password: new Secret(flags.password) };
  }
  return undefined;
}

/** A registry client for a reference's registry, with credentials from flags or auth files. */
export function registryClientFor(ref: DockerReference, flags: RegistryFlags, creds?: string, retry?: RetryPolicy): RegistryClient {
  const explicit = explicitCredentials(flags, creds);
  const credentials = findCredentials(ref.registry, { ...(explicit ? { explicit } : {}), ...(flags.authfile ? { authFile: flags.authfile } : {}) });
  return new RegistryClient(ref.registry, { ...(credentials ? { credentials } : {}), ...(flags.insecure ? { insecure: true } : {}), userAgent: `portcullis/${TOOL_VERSION}`, ...(retry ? { retry } : {}) });
}

/** Parses an image argument that must be in a registry (`docker://` or a bare reference). */
export function registryReference(raw: string, verb: string): DockerReference {
  const ref = parseImageReference(raw);
  if (ref.transport !== 'docker') {
    throw new PortcullisError({ code: 'USAGE', message: `${verb} needs an image in a registry, not ${ref.transport}:`, hint: 'Push the image first (e.g. `skopeo copy oci:DIR:TAG docker://REGISTRY/REPO:TAG`), then pass docker://REGISTRY/REPO:TAG.' });
  }
  return ref.ref;
}

/** Reads a password without echo from the terminal. */
async function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new PortcullisError({ code: 'USAGE', message: 'Password entry cancelled', hint: `Set ${PASSWORD_ENV} to run without a prompt.` }));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/**
 * The private key password: `PORTCULLIS_PASSWORD` when set, else `COSIGN_PASSWORD` when set (an
 * empty value means an empty password, as with cosign), else a prompt when stdin is a terminal,
 * else PASSWORD_REQUIRED.
 */
export async function readPassword(opts: { confirm: boolean; purpose: string }): Promise<Secret> {
  const env = process.env[PASSWORD_ENV] ?? process.env[COSIGN_PASSWORD_ENV];
  if (env !== undefined) return new Secret(env);
  if (!process.stdin.isTTY) {
    throw new PortcullisError({ code: 'PASSWORD_REQUIRED', message: `A password is needed to ${opts.purpose}, and there is no terminal to ask on`, hint: `Set ${PASSWORD_ENV} or ${COSIGN_PASSWORD_ENV} (it may be empty for an unprotected key).` });
  }
  const first = await promptHidden(`Enter password for private key: `);
  if (opts.confirm) {
    const again = await promptHidden('Enter password for private key again: ');
    if (again !== first) throw new PortcullisError({ code: 'USAGE', message: 'The passwords do not match', hint: 'Run the command again.' });
  }
  return new Secret(first);
}

function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read ${what} "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the --key path.', cause: err });
  }
}

/**
 * A signer over a private key file (cosign's encrypted format, PKCS#8 or SEC 1 PEM), or over a key
 * in a PKCS#11 token named by a `pkcs11:` URI (RFC 7512).
 */
export async function loadSigner(path: string): Promise<Signer> {
  if (isPkcs11Uri(path)) return Pkcs11Signer.open(path);
  const key = await loadPrivateKey(readKeyFile(path, 'private key'), () => readPassword({ confirm: false, purpose: `decrypt "${path}"` }));
  return new KeySigner(key);
}

/** Public keys from `.pub` files (SPKI PEM). */
export function loadPublicKeys(paths: readonly string[]): KeyObject[] {
  if (paths.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'No public key given', hint: 'Pass --key FILE.pub (repeat for several keys).' });
  return paths.map((p) => loadPublicKey(readKeyFile(p, 'public key')));
}

/** Parses repeated `KEY=VALUE` flags. */
export function parseAnnotations(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new PortcullisError({ code: 'USAGE', message: `Invalid annotation "${v}"`, hint: 'Use -a KEY=VALUE.' });
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
