/**
 * Offline verification of one Sigstore bundle with `@sigstore/verify`: the certificate chain to a
 * Fulcio CA of the trusted root (at the time given by the transparency log or an RFC 3161
 * timestamp), SCTs, the Rekor entry (inclusion proof against a signed checkpoint, or the signed
 * entry timestamp; Rekor v1 and v2 entries, see rekor-v2.ts) and that it matches the signature, then the signature itself (message
 * signature over the artifact, or DSSE over PAE). On top of the library we check:
 *
 * - the signer: the certificate's SAN (`--certificate-identity[-regexp]`) and OIDC issuer
 *   (Fulcio extension 1.3.6.1.4.1.57264.1.8, or the older 1.3.6.1.4.1.57264.1.1);
 * - what was signed: the artifact's digest against the message digest, or against the subjects
 *   of the in-toto statement of a DSSE bundle;
 * - message signatures against a digest alone (no artifact bytes), which the library cannot do.
 *
 * Verification failures are returned with a stable code, never thrown.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { PolicyError, toSignedEntity, toTrustMaterial, VerificationError, Verifier, type SignedEntity, type Signer as SigstoreSigner } from '@sigstore/verify';
import { type ErrorCode, PortcullisError } from '../../core/index.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.js';
import { parseStatement, statementCoversDigest, type Statement } from '../intoto.js';
import { keyIdOf, verifySignature } from '../signer.js';
import { verifyPrehashedEcdsa } from './ecdsa-prehashed.js';
import { verifyPrehashedRsa } from './rsa-prehashed.js';
import { inclusionProofMismatch, withCheckpointKeyIds } from './rekor-v2.js';

/** What was signed: the bytes, or only their SHA-256 digest. */
export type Artifact = { bytes: Buffer } | { digest: string };

/** Who must have signed (keyless). Exact values, or JavaScript regular expressions (unanchored, as cosign's). */
export interface IdentityPolicy {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
}

export interface BundleVerifyOptions {
  bundle: Bundle;
  artifact: Artifact;
  trustedRoot: TrustedRoot;
  /** Keyless: the certificate identity required. */
  identity?: IdentityPolicy;
  /** Keyed: any of these public keys. */
  keys?: readonly KeyObject[];
  /** Keyed bundles: require a transparency-log entry (default true; keyless always requires one). */
  requireTlog?: boolean;
}

export interface BundleSigner {
  subjectAlternativeName?: string;
  issuer?: string;
  keyId: string;
}

export interface BundleVerification {
  verified: boolean;
  code?: ErrorCode;
  reason: string;
  content: 'message-signature' | 'dsse';
  signer?: BundleSigner;
  statement?: Statement;
}

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether a `FILE_OR_DIGEST` argument is a digest (`sha256:` + 64 lower-case hex digits). */
export function isSha256Digest(s: string): boolean {
  return SHA256_DIGEST.test(s);
}

function artifactDigest(a: Artifact): string {
  return 'bytes' in a ? `sha256:${createHash('sha256').update(a.bytes).digest('hex')}` : a.digest;
}

/** Checks the identity flags: at least one identity and one issuer form, and valid regexps. */
export function checkIdentityPolicy(p: IdentityPolicy): void {
  if (!p.identity && !p.identityRegexp) throw new PortcullisError({ code: 'USAGE', message: 'Keyless verification needs --certificate-identity or --certificate-identity-regexp', hint: 'Name the expected signer (the certificate SAN), e.g. an e-mail address or a workflow URL.' });
  if (!p.issuer && !p.issuerRegexp) throw new PortcullisError({ code: 'USAGE', message: 'Keyless verification needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp', hint: 'Name the OIDC issuer, e.g. https://token.actions.githubusercontent.com.' });
  for (const [flag, re] of [['--certificate-identity-regexp', p.identityRegexp], ['--certificate-oidc-issuer-regexp', p.issuerRegexp]] as const) {
    if (re === undefined) continue;
    try {
      new RegExp(re);
    } catch (err) {
      throw new PortcullisError({ code: 'USAGE', message: `Invalid ${flag} "${re}": ${(err as Error).message}`, hint: 'Pass a JavaScript regular expression.', cause: err });
    }
  }
}

function matches(value: string | undefined, exact: string | undefined, re: string | undefined): boolean {
  if (value === undefined) return false;
  if (exact !== undefined && value !== exact) return false;
  if (re !== undefined && !new RegExp(re).test(value)) return false;
  return true;
}

const LIBRARY_CODES: Record<string, ErrorCode> = {
  CERTIFICATE_ERROR: 'CERTIFICATE_INVALID',
  TLOG_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROOF_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_INVALID',
  TLOG_MISSING_INCLUSION_ERROR: 'TLOG_INVALID',
  TLOG_BODY_ERROR: 'TLOG_INVALID',
  TIMESTAMP_ERROR: 'TIMESTAMP_INVALID',
  SIGNATURE_ERROR: 'SIGNATURE_INVALID',
  PUBLIC_KEY_ERROR: 'SIGNATURE_INVALID',
  UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
};

function libraryFailure(err: unknown): { code: ErrorCode; reason: string } {
  if (err instanceof VerificationError || err instanceof PolicyError) {
    return { code: LIBRARY_CODES[err.code] ?? 'SIGNATURE_INVALID', reason: `${err.code.toLowerCase().replace(/_/g, ' ')}: ${err.message}` };
  }
  // Malformed content the library did not anticipate (it throws plain errors then).
  return { code: 'BUNDLE_INVALID', reason: `cannot verify the bundle: ${(err as Error).message}` };
}

/** A message signature checked against a digest instead of the artifact bytes. */
function prehashedContent(entity: SignedEntity, messageDigest: Buffer, signature: Buffer): SignedEntity {
  return {
    ...entity,
    signature: {
      signature,
      compareSignature: (s: Buffer) => s.equals(signature),
      compareDigest: (d: Buffer) => d.equals(messageDigest),
      verifySignature: (key: KeyObject) => (key.asymmetricKeyType === 'rsa' ? verifyPrehashedRsa(key, messageDigest, signature) : verifyPrehashedEcdsa(key, messageDigest, signature)),
    },
  };
}

/**
 * The library verifies a message signature with the hash of the message digest (SHA-256), which
 * Ed25519 keys refuse (Ed25519 hashes internally): those are checked over the bytes as they are.
 */
function withEd25519Messages(entity: SignedEntity, bytes: Buffer, signature: Buffer): SignedEntity {
  const original = entity.signature;
  // The content is a class instance: keep its other methods (and their `this`) by inheriting from it.
  const content = Object.create(original, { verifySignature: { value: (key: KeyObject) => (key.asymmetricKeyType === 'ed25519' ? verifySignature(key, bytes, signature) : original.verifySignature(key)) } }) as SignedEntity['signature'];
  return { ...entity, signature: content };
}

/** Verifies one bundle; see the file comment for what is checked. */
export function verifyBundle(opts: BundleVerifyOptions): BundleVerification {
  const { bundle } = opts;
  const content = bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature';
  const fail = (code: ErrorCode, reason: string, extra: Partial<BundleVerification> = {}): BundleVerification => ({ verified: false, code, reason, content, ...extra });
  const material = bundle.verificationMaterial.content.$case;
  const keyed = opts.keys !== undefined;
  if (keyed && material !== 'publicKey') return fail('SIGNATURE_INVALID', 'the bundle is signed with a certificate, not with a key; verify it with --certificate-identity and --certificate-oidc-issuer');
  if (!keyed && material === 'publicKey') return fail('CERTIFICATE_INVALID', 'the bundle is signed with a key (it has no certificate); verify it with --key');
  if (!keyed && !opts.identity) throw new PortcullisError({ code: 'USAGE', message: 'No identity policy or key to verify the bundle with', hint: 'Pass --certificate-identity and --certificate-oidc-issuer, or --key.' });

  const digest = artifactDigest(opts.artifact);
  let entity: SignedEntity;
  try {
    if (bundle.content.$case === 'messageSignature') {
      const ms = bundle.content.messageSignature;
      const md = ms.messageDigest?.digest;
      if (md && `sha256:${md.toString('hex')}` !== digest) {
        return fail('SIGNATURE_DIGEST_MISMATCH', `the bundle signs sha256:${md.toString('hex')}, not the artifact ${digest}`);
      }
      if ('bytes' in opts.artifact) {
        entity = withEd25519Messages(toSignedEntity(bundle, opts.artifact.bytes), opts.artifact.bytes, ms.signature);
      } else {
        if (!md) return fail('BUNDLE_INVALID', 'the message signature has no digest to compare with the given artifact digest');
        if (keyed && opts.keys!.every((k) => k.asymmetricKeyType === 'ed25519')) return fail('SIGNATURE_INVALID', 'an Ed25519 signature covers the artifact bytes, not a digest: pass the file instead of its digest');
        entity = prehashedContent(toSignedEntity(bundle), Buffer.from(digest.slice(7), 'hex'), ms.signature);
      }
    } else {
      entity = toSignedEntity(bundle);
    }
  } catch (err) {
    return fail('BUNDLE_INVALID', `cannot read the bundle: ${(err as Error).message}`);
  }

  let signer: SigstoreSigner | undefined;
  let lastFailure: { code: ErrorCode; reason: string } | undefined;
  const tlog = keyed ? (opts.requireTlog === false ? 0 : 1) : 1;
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const why = inclusionProofMismatch(entry);
    if (why) return fail('TLOG_INVALID', `tlog entry ${entry.logIndex}: ${why}`);
  }
  const candidates = keyed ? opts.keys! : [undefined];
  const root = withCheckpointKeyIds(opts.trustedRoot);
  for (const key of candidates) {
    const trust = toTrustMaterial(root, key ? () => ({ publicKey: key, validFor: () => true }) : undefined);
    const verifier = new Verifier(trust, keyed ? { tlogThreshold: tlog, ctlogThreshold: 0, timestampThreshold: 0 } : {});
    try {
      signer = verifier.verify(entity);
      break;
    } catch (err) {
      lastFailure = libraryFailure(err);
    }
  }
  if (!signer) {
    const f = lastFailure ?? { code: 'SIGNATURE_INVALID' as const, reason: 'no key given' };
    return fail(f.code, keyed && opts.keys!.length > 1 ? `not verified with any of ${opts.keys!.length} keys; last: ${f.reason}` : f.reason);
  }

  const identity = signer.identity;
  const who: BundleSigner = { keyId: keyIdOf(signer.key), ...(identity?.subjectAlternativeName ? { subjectAlternativeName: identity.subjectAlternativeName } : {}), ...(identity?.extensions?.issuer ? { issuer: identity.extensions.issuer } : {}) };
  if (!keyed) {
    const p = opts.identity!;
    if (!matches(who.subjectAlternativeName, p.identity, p.identityRegexp)) {
      return fail('IDENTITY_MISMATCH', `the certificate identity is ${JSON.stringify(who.subjectAlternativeName ?? null)}, not ${p.identity !== undefined ? JSON.stringify(p.identity) : `/${p.identityRegexp}/`}`, { signer: who });
    }
    if (!matches(who.issuer, p.issuer, p.issuerRegexp)) {
      return fail('IDENTITY_MISMATCH', `the certificate OIDC issuer is ${JSON.stringify(who.issuer ?? null)}, not ${p.issuer !== undefined ? JSON.stringify(p.issuer) : `/${p.issuerRegexp}/`}`, { signer: who });
    }
  }

  let statement: Statement | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('PAYLOAD_INVALID', `the DSSE payload type is "${env.payloadType}", not ${IN_TOTO_PAYLOAD_TYPE}: it names no artifact`, { signer: who });
    try {
      statement = parseStatement(env.payload);
    } catch (err) {
      return fail('PAYLOAD_INVALID', (err as Error).message, { signer: who });
    }
    if (!statementCoversDigest(statement, digest)) {
      const names = statement.subject.map((s) => `${s.name}@${Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join(',')}`).join('; ');
      return fail('SIGNATURE_DIGEST_MISMATCH', `the statement is about ${names}, not ${digest}`, { signer: who, statement });
    }
  }
  const by = keyed ? `key ${who.keyId}` : `${who.subjectAlternativeName} (issuer ${who.issuer})`;
  return { verified: true, reason: `${content === 'dsse' ? 'DSSE envelope' : 'message signature'} over ${digest} verified, signed by ${by}`, content, signer: who, ...(statement ? { statement } : {}) };
}
