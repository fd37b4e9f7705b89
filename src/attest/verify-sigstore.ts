/**
 * Keyless and bundle-based verification of image signatures, offline, on what was read from the
 * registry:
 *
 * - cosign v2 keyless signatures: `.sig` layers whose annotations carry the Fulcio certificate
 *   (`dev.sigstore.cosign/certificate`, PEM), its chain (`dev.sigstore.cosign/chain`, PEM) and the
 *   Rekor entry (`dev.sigstore.cosign/bundle`: `{"SignedEntryTimestamp", "Payload": {"body",
 *   "integratedTime", "logIndex", "logID"}}`). They are read as the v0.1 Sigstore bundle they are
 *   equivalent to (message signature over the payload, inclusion by SET), verified, then the
 *   payload is checked as simple signing like a keyed signature; keyless `.att` layers likewise,
 *   as DSSE bundles (the layer blob is the envelope);
 * - Sigstore bundles stored as OCI 1.1 referrers (cosign v3): DSSE bundles whose in-toto statement
 *   names the image digest; signatures have predicate type `https://sigstore.dev/cosign/sign/v1`,
 *   everything else is an attestation.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { ErrorCode } from '../core/index.js';
import { CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, BUNDLE_ANNOTATION, SIGNATURE_ANNOTATION, type CosignLayer } from './cosign-storage.js';
import type { ReferrerBundle } from './referrers.js';
import { BUNDLE_V01_MEDIA_TYPE, parseBundle } from './sigstore/bundle.js';
import { verifyBundle, type IdentityPolicy } from './sigstore/verify-bundle.js';
import { parseSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE, type SimpleSigningPayload } from './simple-signing.js';
import { DSSE_MEDIA_TYPE } from './dsse.js';
import type { LayerCheck } from './verify.js';

/** The predicate type of cosign v3 image signatures (a signature is a statement about the digest). */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** Ranking of bundle failures, as in verify.ts: how far the checks got. */
const STAGE: Partial<Record<ErrorCode, number>> = { BUNDLE_INVALID: 0, SIGNATURE_INVALID: 1, CERTIFICATE_INVALID: 1, TLOG_INVALID: 1, TIMESTAMP_INVALID: 1, IDENTITY_MISMATCH: 2, PAYLOAD_INVALID: 2, SIGNATURE_DIGEST_MISMATCH: 3, PREDICATE_TYPE_MISMATCH: 4, SIGNATURE_MISSING: 4 };

function pemBlocks(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/**
 * The v0.1 bundle equivalent to a cosign v2 keyless `.sig` layer (message signature over the
 * payload) or `.att` layer (`dsse`: the layer blob is the DSSE envelope); undefined when it has no
 * certificate.
 */
export function cosignLayerBundle(layer: CosignLayer, content: 'message' | 'dsse' = 'message'): Bundle | undefined {
  const a = layer.descriptor.annotations ?? {};
  const certPem = a[CERTIFICATE_ANNOTATION];
  if (!certPem) return undefined;
  const certs = [...pemBlocks(certPem), ...pemBlocks(a[CHAIN_ANNOTATION] ?? '')];
  if (certs.length === 0) return undefined;
  // The leaf must parse as X.509 (the library re-parses; this gives an early, clear failure).
  new X509Certificate(certs[0]!);
  const tlogEntries: unknown[] = [];
  const rekor = a[BUNDLE_ANNOTATION];
  if (rekor) {
    const doc = JSON.parse(rekor) as { SignedEntryTimestamp?: string; Payload?: { body?: string; integratedTime?: number; logIndex?: number; logID?: string } };
    const p = doc.Payload ?? {};
    const body = JSON.parse(Buffer.from(p.body ?? '', 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
    tlogEntries.push({
      logIndex: String(p.logIndex ?? ''),
      logId: { keyId: Buffer.from(p.logID ?? '', 'hex').toString('base64') },
      kindVersion: { kind: body.kind ?? '', version: body.apiVersion ?? '' },
      integratedTime: String(p.integratedTime ?? ''),
      inclusionPromise: { signedEntryTimestamp: doc.SignedEntryTimestamp ?? '' },
      canonicalizedBody: p.body ?? '',
    });
  }
  const signed =
    content === 'dsse'
      ? { dsseEnvelope: JSON.parse(layer.payload.toString('utf8')) as unknown }
      : { messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(layer.payload).digest('base64') }, signature: a[SIGNATURE_ANNOTATION] ?? '' } };
  const doc = {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: { x509CertificateChain: { certificates: certs.map((c) => ({ rawBytes: c.toString('base64') })) }, tlogEntries },
    ...signed,
  };
  return parseBundle(JSON.stringify(doc), `cosign signature layer ${layer.descriptor.digest}`);
}

function failed(index: number, layerDigest: string, code: ErrorCode, reason: string, extra: Partial<LayerCheck> = {}): LayerCheck {
  return { index, layerDigest, verified: false, code, reason, stage: STAGE[code] ?? 0, ...extra };
}

/** Keyless verification of the layers of a `.sig` image (cosign v2 layout). */
export function verifyKeylessSignatureLayers(opts: { layers: readonly CosignLayer[]; trustedRoot: TrustedRoot; identity: IdentityPolicy; manifestDigest: string; annotations?: Record<string, string> }): LayerCheck[] {
  const checks: LayerCheck[] = [];
  opts.layers.forEach((layer, index) => {
    const d = layer.descriptor;
    if (d.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) return;
    let bundle: Bundle | undefined;
    try {
      bundle = cosignLayerBundle(layer);
    } catch (err) {
      checks.push(failed(index, d.digest, 'BUNDLE_INVALID', `signature ${index}: cannot read its certificate or Rekor bundle annotations: ${(err as Error).message}`));
      return;
    }
    if (!bundle) {
      checks.push(failed(index, d.digest, 'CERTIFICATE_INVALID', `signature ${index} has no ${CERTIFICATE_ANNOTATION} annotation (signed with a key: verify with --key)`));
      return;
    }
    const v = verifyBundle({ bundle, artifact: { bytes: layer.payload }, trustedRoot: opts.trustedRoot, identity: opts.identity });
    const signer = v.signer;
    if (!v.verified) {
      checks.push(failed(index, d.digest, v.code!, `signature ${index}: ${v.reason}`, signer ? { signer } : {}));
      return;
    }
    let payload: SimpleSigningPayload;
    try {
      payload = parseSimpleSigningPayload(layer.payload);
    } catch (err) {
      checks.push(failed(index, d.digest, 'PAYLOAD_INVALID', `signature ${index}: ${(err as Error).message}`, { signer: signer! }));
      return;
    }
    if (payload.manifestDigest !== opts.manifestDigest) {
      checks.push(failed(index, d.digest, 'SIGNATURE_DIGEST_MISMATCH', `signature ${index} is for ${payload.manifestDigest} (${payload.dockerReference}), not for ${opts.manifestDigest}`, { signer: signer!, payload }));
      return;
    }
    for (const [k, val] of Object.entries(opts.annotations ?? {})) {
      if (payload.optional?.[k] === undefined || String(payload.optional[k]) !== val) {
        checks.push(failed(index, d.digest, 'SIGNATURE_MISSING', `signature ${index} lacks annotation ${k}=${val}`, { signer: signer!, payload }));
        return;
      }
    }
    checks.push({ index, layerDigest: d.digest, verified: true, reason: `signature ${index} verified: signed by ${signer!.subjectAlternativeName} (issuer ${signer!.issuer})`, signer: signer!, payload, stage: 5 });
  });
  return checks;
}

/**
 * Keyless verification of the layers of an `.att` image (cosign v2 layout: the DSSE envelope as
 * blob, the certificate and Rekor entry in annotations), with the same checks and codes as the
 * keyed path: the statement must name the image, then have the predicate type asked for.
 */
export function verifyKeylessAttestationLayers(opts: { layers: readonly CosignLayer[]; trustedRoot: TrustedRoot; identity: IdentityPolicy; manifestDigest: string; predicateType?: string }): LayerCheck[] {
  const checks: LayerCheck[] = [];
  opts.layers.forEach((layer, index) => {
    const d = layer.descriptor;
    if (d.mediaType !== DSSE_MEDIA_TYPE) return;
    let bundle: Bundle | undefined;
    try {
      bundle = cosignLayerBundle(layer, 'dsse');
    } catch (err) {
      checks.push(failed(index, d.digest, 'BUNDLE_INVALID', `attestation ${index}: cannot read its envelope, certificate or Rekor bundle annotations: ${(err as Error).message}`));
      return;
    }
    if (!bundle) {
      checks.push(failed(index, d.digest, 'CERTIFICATE_INVALID', `attestation ${index} has no ${CERTIFICATE_ANNOTATION} annotation (signed with a key: verify with --key)`));
      return;
    }
    const v = verifyBundle({ bundle, artifact: { digest: opts.manifestDigest }, trustedRoot: opts.trustedRoot, identity: opts.identity });
    const extra = { ...(v.signer ? { signer: v.signer } : {}), ...(v.statement ? { statement: v.statement } : {}) };
    if (!v.verified) {
      checks.push(failed(index, d.digest, v.code!, `attestation ${index}: ${v.reason}`, extra));
      return;
    }
    const type = v.statement?.predicateType;
    if (opts.predicateType && type !== opts.predicateType) {
      checks.push(failed(index, d.digest, 'PREDICATE_TYPE_MISMATCH', `attestation ${index} has predicate type ${type}, not ${opts.predicateType}`, extra));
      return;
    }
    checks.push({ index, layerDigest: d.digest, verified: true, reason: `attestation ${index} (${type}) verified: signed by ${v.signer!.subjectAlternativeName} (issuer ${v.signer!.issuer})`, stage: 5, ...extra });
  });
  return checks;
}

/**
 * Verifies bundles stored as referrers of the image: with keys (no transparency log required, as
 * for tag-layout signatures) or keyless with an identity policy.
 */
export function verifyReferrerBundles(opts: {
  bundles: readonly ReferrerBundle[];
  purpose: 'signature' | 'attestation';
  manifestDigest: string;
  trustedRoot: TrustedRoot;
  keys?: readonly KeyObject[];
  identity?: IdentityPolicy;
  predicateType?: string;
  annotations?: Record<string, string>;
  /** Index of the first check (after the tag-layout layers). */
  firstIndex: number;
}): LayerCheck[] {
  const checks: LayerCheck[] = [];
  opts.bundles.forEach((rb, i) => {
    const index = opts.firstIndex + i;
    const extra = { source: 'referrer' as const };
    let bundle: Bundle;
    try {
      bundle = parseBundle(rb.bundle, `referrer ${rb.manifestDigest}`);
    } catch (err) {
      checks.push(failed(index, rb.bundleDigest, 'BUNDLE_INVALID', `referrer ${rb.manifestDigest}: ${(err as Error).message}`, extra));
      return;
    }
    const v = verifyBundle({ bundle, artifact: { digest: opts.manifestDigest }, trustedRoot: opts.trustedRoot, ...(opts.keys ? { keys: opts.keys, requireTlog: false } : {}), ...(opts.identity ? { identity: opts.identity } : {}) });
    const base = { ...extra, ...(v.signer ? { signer: v.signer, ...(opts.keys ? { keyId: v.signer.keyId } : {}) } : {}), ...(v.statement ? { statement: v.statement } : {}) };
    if (!v.verified) {
      checks.push(failed(index, rb.bundleDigest, v.code!, `referrer ${rb.manifestDigest}: ${v.reason}`, base));
      return;
    }
    const type = v.statement?.predicateType;
    const isSignature = type === COSIGN_SIGN_PREDICATE_TYPE;
    if (opts.purpose === 'signature' && !isSignature) return; // an attestation: not a signature
    if (opts.purpose === 'attestation' && isSignature) return;
    if (opts.purpose === 'attestation' && opts.predicateType && type !== opts.predicateType) {
      checks.push(failed(index, rb.bundleDigest, 'PREDICATE_TYPE_MISMATCH', `referrer ${rb.manifestDigest} has predicate type ${type}, not ${opts.predicateType}`, base));
      return;
    }
    if (opts.purpose === 'signature') {
      const got = ((v.statement?.predicate as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {}) as Record<string, unknown>;
      for (const [k, val] of Object.entries(opts.annotations ?? {})) {
        if (got[k] === undefined || String(got[k]) !== val) {
          checks.push(failed(index, rb.bundleDigest, 'SIGNATURE_MISSING', `referrer ${rb.manifestDigest} lacks annotation ${k}=${val}`, base));
          return;
        }
      }
    }
    checks.push({ index, layerDigest: rb.bundleDigest, verified: true, reason: `referrer ${rb.manifestDigest} (${type}) verified: ${v.reason}`, stage: 5, ...base });
  });
  return checks;
}
