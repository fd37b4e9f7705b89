/**
 * Sigstore bundles (protobuf-specs `Bundle`, JSON form): reading the v0.1, v0.2 and v0.3 media
 * types, and building the v0.3 DSSE bundles we write for OCI 1.1 referrers.
 *
 * One normalisation on reading: a v0.1 bundle may carry an inclusion proof without a checkpoint
 * (Rekor's API had none then). Such a proof cannot be checked against a signed tree head, so it is
 * dropped when the entry also has its signed entry timestamp (which v0.1 requires); the SET is
 * then what proves inclusion, as v0.1 clients did.
 */
import { bundleFromJSON, bundleToJSON, type Bundle } from '@sigstore/bundle';
import { PortcullisError } from '../../core/index.js';
import type { DsseEnvelope } from '../dsse.js';

export const BUNDLE_V01_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
export const BUNDLE_V02_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** The transitional spelling of v0.3, still accepted by Sigstore clients. */
export const BUNDLE_V03_LEGACY_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.3';
export const BUNDLE_MEDIA_TYPES = [BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE] as const;

/** Largest bundle read (DSSE bundles carry whole SBOM attestations). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

function invalid(message: string, cause?: unknown): PortcullisError {
  return new PortcullisError({ code: 'BUNDLE_INVALID', message, hint: 'Pass a Sigstore bundle (v0.1, v0.2 or v0.3 JSON), e.g. written by cosign --bundle or sigstore-js.', ...(cause ? { cause } : {}) });
}

interface LooseEntry {
  inclusionProof?: { checkpoint?: unknown };
  inclusionPromise?: unknown;
}

/** Parses and validates a bundle from its JSON bytes. */
export function parseBundle(bytes: Buffer | string, source = 'bundle'): Bundle {
  if (bytes.length > MAX_BUNDLE_BYTES) throw invalid(`${source} is larger than ${MAX_BUNDLE_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString());
  } catch (err) {
    throw invalid(`${source} is not JSON`, err);
  }
  if (!doc || typeof doc !== 'object') throw invalid(`${source} is not a JSON object`);
  const obj = doc as { mediaType?: unknown; verificationMaterial?: { tlogEntries?: LooseEntry[] } };
  if (typeof obj.mediaType !== 'string' || !(BUNDLE_MEDIA_TYPES as readonly string[]).includes(obj.mediaType)) {
    throw invalid(`${source} has media type ${JSON.stringify(obj.mediaType)}, not one of ${BUNDLE_MEDIA_TYPES.join(', ')}`);
  }
  if (obj.mediaType === BUNDLE_V01_MEDIA_TYPE && Array.isArray(obj.verificationMaterial?.tlogEntries)) {
    for (const e of obj.verificationMaterial.tlogEntries) {
      if (e && e.inclusionProof && !e.inclusionProof.checkpoint && e.inclusionPromise) delete e.inclusionProof;
    }
  }
  try {
    return bundleFromJSON(doc);
  } catch (err) {
    throw invalid(`${source} is not a valid Sigstore bundle: ${(err as Error).message}`, err);
  }
}

/**
 * A v0.3 bundle around a DSSE envelope signed with a key (no certificate): the verification
 * material is the public-key hint (our key id), with no transparency-log entry.
 */
export function buildDsseKeyBundle(opts: { envelope: DsseEnvelope; keyHint: string }): Buffer {
  const doc = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: opts.keyHint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: opts.envelope.payload, payloadType: opts.envelope.payloadType, signatures: opts.envelope.signatures.map((s) => ({ sig: s.sig, keyid: s.keyid ?? '' })) },
  };
  // Round-trip through the library so that what we write is what Sigstore clients read.
  return Buffer.from(JSON.stringify(bundleToJSON(bundleFromJSON(doc))), 'utf8');
}
