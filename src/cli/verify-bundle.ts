/**
 * `portcullis verify-bundle` and `portcullis verify-blob`: offline verification of Sigstore
 * bundles and plain signatures of files, with the argument order of the Sigstore conformance
 * suite's CLI protocol:
 *
 *     verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) [--trusted-root FILE] FILE_OR_DIGEST
 *     verify-blob --signature SIG --key PEM FILE
 *     verify-blob --bundle FILE (…identity… | --key PEM) [--trusted-root FILE] FILE
 *
 * FILE_OR_DIGEST is `sha256:<64 hex>` (when no such file exists) or a path. Exit status: 0
 * verified, 1 not verified (with a stable code), 2 usage or input error, 3 internal error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ANSI, useColor } from './color.js';
import { PortcullisError } from '../core/index.js';
import {
  parseBundle,
  resolveTrustedRoot,
  checkIdentityPolicy,
  isSha256Digest,
  verifyBundle,
  type Artifact,
  type BundleVerification,
  type IdentityPolicy,
  keyIdOf,
  verifySignature,
} from '../attest/index.js';
import { writeOutput } from './output.js';
import { loadPublicKeys, collect } from './signing-options.js';

export const VERIFY_FAILED_EXIT = 1;
/** Largest artifact read into memory for verification. */
const MAX_ARTIFACT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

export interface IdentityFlags {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

/** The keyless identity flags, shared with `verify IMAGE`. */
export function addIdentityOptions(cmd: Command): Command {
  return cmd
    .option('--certificate-identity <id>', 'keyless: the expected signer identity (certificate SAN), exact')
    .option('--certificate-identity-regexp <re>', 'keyless: the expected signer identity, as a regular expression')
    .option('--certificate-oidc-issuer <url>', 'keyless: the expected OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8 / .1.1), exact')
    .option('--certificate-oidc-issuer-regexp <re>', 'keyless: the expected OIDC issuer, as a regular expression');
}

/** The identity policy from the flags, or undefined when none was given. */
export function identityPolicyOf(flags: IdentityFlags): IdentityPolicy | undefined {
  const p: IdentityPolicy = {
    ...(flags.certificateIdentity !== undefined ? { identity: flags.certificateIdentity } : {}),
    ...(flags.certificateIdentityRegexp !== undefined ? { identityRegexp: flags.certificateIdentityRegexp } : {}),
    ...(flags.certificateOidcIssuer !== undefined ? { issuer: flags.certificateOidcIssuer } : {}),
    ...(flags.certificateOidcIssuerRegexp !== undefined ? { issuerRegexp: flags.certificateOidcIssuerRegexp } : {}),
  };
  if (Object.keys(p).length === 0) return undefined;
  checkIdentityPolicy(p);
  return p;
}

function readFileArg(path: string, what: string, max: number): Buffer {
  try {
    if (statSync(path).size > max) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `${what} "${path}" is larger than ${max} bytes`, hint: 'Pass its sha256:<hex> digest instead.' });
    return readFileSync(path);
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read ${what} "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the path.', cause: err });
  }
}

/** `FILE_OR_DIGEST`: a digest when it is one and names no file, else a file. */
export function artifactOf(arg: string): Artifact {
  if (isSha256Digest(arg) && !existsSync(arg)) return { digest: arg };
  return { bytes: readFileArg(arg, 'artifact', MAX_ARTIFACT_BYTES) };
}

interface BundleFlags extends IdentityFlags {
  bundle?: string;
  key?: string[];
  trustedRoot?: string;
  insecureIgnoreTlog?: boolean;
  staging?: boolean;
  output: 'text' | 'json';
}

async function report(artifact: string, v: BundleVerification, format: 'text' | 'json'): Promise<void> {
  if (format === 'json') {
    const doc = { schemaVersion: 1, kind: 'bundle', artifact, verified: v.verified, ...(v.code ? { code: v.code } : {}), reason: v.reason, content: v.content, ...(v.signer ? { signer: v.signer } : {}), ...(v.statement ? { statement: v.statement } : {}) };
    await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
  } else {
    const color = useColor(process.stderr);
    if (v.verified) process.stderr.write(`${color ? ANSI.green('verified') : 'verified'}: ${artifact}: ${v.reason}\n`);
    else process.stderr.write(`${color ? ANSI.red('not verified') : 'not verified'} [${v.code}]: ${artifact}: ${v.reason}\n`);
  }
  if (!v.verified) process.exitCode = VERIFY_FAILED_EXIT;
}

async function runBundle(target: string, flags: BundleFlags): Promise<void> {
  if (flags.staging) throw new PortcullisError({ code: 'USAGE', message: '--staging needs the Sigstore staging trusted root, which is not built in', hint: 'Pass the staging trusted_root.json with --trusted-root.' });
  const identity = identityPolicyOf(flags);
  const keys = flags.key && flags.key.length > 0 ? loadPublicKeys(flags.key) : undefined;
  if (identity && keys) throw new PortcullisError({ code: 'USAGE', message: 'Pass either --key or the --certificate-* identity flags, not both', hint: 'A bundle is signed with a key or with a certificate.' });
  if (!identity && !keys) throw new PortcullisError({ code: 'USAGE', message: 'Nothing to verify the bundle against', hint: 'Pass --certificate-identity and --certificate-oidc-issuer (keyless), or --key FILE.pub.' });
  const bundle = parseBundle(readFileArg(flags.bundle!, 'bundle', 64 * 1024 * 1024), `Bundle "${flags.bundle}"`);
  const { root } = resolveTrustedRoot(flags.trustedRoot);
  const artifact = artifactOf(target);
  const v = verifyBundle({ bundle, artifact, trustedRoot: root, ...(identity ? { identity } : {}), ...(keys ? { keys, requireTlog: flags.insecureIgnoreTlog !== true } : {}) });
  await report(target, v, flags.output);
}

const EXIT_HELP = `
FILE_OR_DIGEST is a path, or sha256:<64 hex digits> when no file has that name.
Exit status: 0 verified, ${VERIFY_FAILED_EXIT} not verified (stable codes: SIGNATURE_INVALID, SIGNATURE_DIGEST_MISMATCH,
CERTIFICATE_INVALID, IDENTITY_MISMATCH, TLOG_INVALID, TIMESTAMP_INVALID, PAYLOAD_INVALID, BUNDLE_INVALID),
2 usage or input error, 3 internal error. Nothing is fetched: the trust root is --trusted-root or the
Sigstore public-good root shipped with the @sigstore/tuf package.`;

function bundleOptions(cmd: Command, bundleRequired: boolean): Command {
  const bundle = new Option('--bundle <file>', 'Sigstore bundle (v0.1, v0.2, v0.3 JSON)');
  if (bundleRequired) bundle.makeOptionMandatory();
  cmd.addOption(bundle);
  addIdentityOptions(cmd);
  return cmd
    .option('--key <file>', 'public key (SPKI PEM) for bundles signed with a key; repeat to accept any of several', collect)
    .option('--trusted-root <file>', 'Sigstore trusted_root.json (default: the public-good root shipped with @sigstore/tuf)')
    .option('--insecure-ignore-tlog', 'with --key: accept bundles without a transparency-log entry')
    .addOption(new Option('--staging', 'use the Sigstore staging instance (needs --trusted-root)').hideHelp())
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', EXIT_HELP);
}

export function verifyBundleCommand(): Command {
  const cmd = new Command('verify-bundle').description('Verify a Sigstore bundle for a file or digest, offline (keyless identity or key)').argument('<file-or-digest>', 'the artifact, or sha256:<hex>');
  bundleOptions(cmd, true);
  cmd.action(async (target: string, flags: BundleFlags) => runBundle(target, flags));
  return cmd;
}

interface BlobFlags extends BundleFlags {
  signature?: string;
}

export function verifyBlobCommand(): Command {
  const cmd = new Command('verify-blob')
    .description('Verify a file: a base64 signature with --signature and --key, or a Sigstore bundle with --bundle')
    .argument('<file>', 'the artifact (or sha256:<hex> with --bundle)')
    .option('--signature <file>', 'file with the base64 (or raw DER) signature, as cosign sign-blob writes');
  bundleOptions(cmd, false);
  cmd.action(async (target: string, flags: BlobFlags) => {
    if (flags.bundle) {
      if (flags.signature) throw new PortcullisError({ code: 'USAGE', message: 'Pass either --signature or --bundle, not both', hint: 'A bundle already holds its signature.' });
      await runBundle(target, flags);
      return;
    }
    if (!flags.signature || !flags.key || flags.key.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'verify-blob needs --signature SIG --key PEM, or --bundle FILE', hint: 'See portcullis verify-blob --help.' });
    const keys = loadPublicKeys(flags.key);
    const raw = readFileArg(flags.signature, 'signature', 64 * 1024);
    const text = raw.toString('utf8').trim();
    const sig = /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64') : raw;
    const data = readFileArg(target, 'artifact', MAX_ARTIFACT_BYTES);
    const key = keys.find((k) => verifySignature(k, data, sig));
    const v: BundleVerification = key
      ? { verified: true, reason: `signature verified with key ${keyIdOf(key)}`, content: 'message-signature', signer: { keyId: keyIdOf(key) } }
      : { verified: false, code: 'SIGNATURE_INVALID', reason: `the signature does not verify with the given key${keys.length === 1 ? '' : 's'} (wrong key, or the file or signature was altered)`, content: 'message-signature' };
    await report(target, v, flags.output);
  });
  return cmd;
}
