/**
 * Sigstore trust roots (`trusted_root.json`, media type
 * `application/vnd.dev.sigstore.trustedroot+json;version=0.1`): Fulcio CAs, Rekor and CT log keys,
 * timestamp authorities. Read from a file (`--trusted-root FILE`), or by default the Sigstore
 * public-good root that `@sigstore/tuf` ships as its TUF seed (`seeds.json`, target
 * `trusted_root.json`), read at run time from the installed package: no network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { PortcullisError } from '../../core/index.js';

/** The TUF repository whose seed carries the public-good root. */
export const PUBLIC_GOOD_TUF_URL = 'https://tuf-repo-cdn.sigstore.dev';
const TRUSTED_ROOT_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.trustedroot';
const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;

export interface LoadedTrustedRoot {
  root: TrustedRoot;
  /** Where it came from: a file path, or `@sigstore/tuf <version> seed`. */
  source: string;
}

function invalid(message: string, hint: string, cause?: unknown): PortcullisError {
  return new PortcullisError({ code: 'TRUSTED_ROOT_INVALID', message, hint, ...(cause ? { cause } : {}) });
}

/**
 * The Sigstore client specification requires every transparency-log key of a trusted root to have
 * the start of its validity (`publicKey.validFor.start`): a missing start must not be read as
 * "valid since the beginning of time" (which is what the library would do), so such a root is
 * refused.
 */
function checkLogValidity(doc: { tlogs?: unknown }, source: string): void {
  if (doc.tlogs === undefined) return;
  if (!Array.isArray(doc.tlogs)) throw invalid(`Trusted root "${source}": "tlogs" is not a list`, 'Pass a Sigstore trusted_root.json.');
  doc.tlogs.forEach((t: unknown, i: number) => {
    const log = t as { baseUrl?: unknown; publicKey?: { validFor?: { start?: unknown } } } | null;
    const start = log?.publicKey?.validFor?.start;
    if (typeof start !== 'string' || Number.isNaN(Date.parse(start))) {
      const name = typeof log?.baseUrl === 'string' ? ` (${log.baseUrl})` : '';
      throw invalid(`Trusted root "${source}": the key of transparency log ${i}${name} has no valid tlogs[${i}].publicKey.validFor.start`, 'A transparency-log key must say since when it is valid (Sigstore client specification); fix the trusted root or get a current one.');
    }
  });
}

/** Parses the JSON of a `trusted_root.json`. */
export function parseTrustedRoot(text: string, source: string): LoadedTrustedRoot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`Trusted root "${source}" is not JSON`, 'Pass a Sigstore trusted_root.json.', err);
  }
  const mediaType = (doc as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE_PREFIX)) {
    throw invalid(`Trusted root "${source}" has media type ${JSON.stringify(mediaType)}`, `Expected ${TRUSTED_ROOT_MEDIA_TYPE_PREFIX}+json;version=0.1.`);
  }
  checkLogValidity(doc as { tlogs?: unknown }, source);
  try {
    return { root: TrustedRoot.fromJSON(doc), source };
  } catch (err) {
    throw invalid(`Cannot read trusted root "${source}": ${(err as Error).message}`, 'The file is not a valid trusted_root.json.', err);
  }
}

/** Reads a `trusted_root.json` file. */
export function loadTrustedRootFile(path: string): LoadedTrustedRoot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read trusted root "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the --trusted-root path.', cause: err });
  }
  if (text.length > MAX_TRUSTED_ROOT_BYTES) throw invalid(`Trusted root "${path}" is larger than ${MAX_TRUSTED_ROOT_BYTES} bytes`, 'Pass a Sigstore trusted_root.json.');
  return parseTrustedRoot(text, path);
}

let publicGood: LoadedTrustedRoot | undefined;

/** The Sigstore public-good trusted root from the installed `@sigstore/tuf` seed. */
export function publicGoodTrustedRoot(): LoadedTrustedRoot {
  if (publicGood) return publicGood;
  const require = createRequire(import.meta.url);
  let seeds: Record<string, { targets?: Record<string, string> }>;
  let version = '?';
  try {
    const seedPath = require.resolve('@sigstore/tuf/seeds.json');
    seeds = JSON.parse(readFileSync(seedPath, 'utf8')) as typeof seeds;
    version = (JSON.parse(readFileSync(require.resolve('@sigstore/tuf/package.json'), 'utf8')) as { version: string }).version;
  } catch (err) {
    throw invalid('Cannot read the Sigstore public-good trusted root from @sigstore/tuf', 'Reinstall portcullis, or pass --trusted-root FILE.', err);
  }
  const b64 = seeds[PUBLIC_GOOD_TUF_URL]?.targets?.['trusted_root.json'];
  if (!b64) throw invalid('The @sigstore/tuf seed has no trusted_root.json target', 'Pass --trusted-root FILE.');
  publicGood = parseTrustedRoot(Buffer.from(b64, 'base64').toString('utf8'), `@sigstore/tuf ${version} seed (Sigstore public good)`);
  return publicGood;
}

/** `--trusted-root FILE` when given, else the public-good root. */
export function resolveTrustedRoot(path: string | undefined): LoadedTrustedRoot {
  return path ? loadTrustedRootFile(path) : publicGoodTrustedRoot();
}

/** A trust root with no authorities: for bundles checked against given keys only. */
export function emptyTrustedRoot(): TrustedRoot {
  return TrustedRoot.fromJSON({ mediaType: `${TRUSTED_ROOT_MEDIA_TYPE_PREFIX}+json;version=0.1`, tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
}
