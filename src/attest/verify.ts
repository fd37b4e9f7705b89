/**
 * Offline verification of cosign signatures and attestations against public keys. Inputs are the
 * layers already read from the registry; nothing here does IO.
 *
 * A signature layer is accepted when, in this order: its signature annotation verifies over the
 * payload bytes with one of the keys; the payload parses as simple signing; its
 * `docker-manifest-digest` equals the image's digest; the required annotations match.
 * An attestation layer is accepted when: the DSSE envelope parses; a signature verifies over its
 * PAE with one of the keys; the payload type is in-toto; the statement parses; a subject names the
 * image's digest; the predicate type matches (when asked).
 *
 * Every layer gets a check with a stable code; the overall result takes the code of the layer
 * that got furthest, so "signed by the right key but for another image" reads as
 * SIGNATURE_DIGEST_MISMATCH and not as a missing signature.
 */
import type { KeyObject } from 'node:crypto';
import { type ErrorCode, PortcullisError } from '../core/index.js';
import { DSSE_MEDIA_TYPE, envelopeBody, IN_TOTO_PAYLOAD_TYPE, parseEnvelope, verifyEnvelope } from './dsse.js';
import { parseStatement, statementCoversDigest, type Statement } from './intoto.js';
import { SIGNATURE_ANNOTATION, type CosignLayer } from './cosign-storage.js';
import { keyIdOf, verifySignature } from './signer.js';
import type { BundleSigner } from './sigstore/verify-bundle.js';
import { parseSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE, type SimpleSigningPayload } from './simple-signing.js';

export interface LayerCheck {
  /** Position of the layer in the `.sig`/`.att` manifest. */
  index: number;
  layerDigest: string;
  verified: boolean;
  /** Set when not verified. */
  code?: ErrorCode;
  reason: string;
  /** Key id (`sha256:` of the SPKI) of the key that verified the signature. */
  keyId?: string;
  payload?: SimpleSigningPayload;
  statement?: Statement;
  /** Keyless or bundle checks: who signed (certificate SAN and issuer, or key id). */
  signer?: BundleSigner;
  /** Where it was found: a cosign tag layer (default) or an OCI 1.1 referrer bundle. */
  source?: 'tag' | 'referrer';
  /** How far the checks got (internal ranking of failures). */
  stage: number;
}

export interface VerificationResult {
  verified: boolean;
  /** The failure code when not verified. */
  code?: ErrorCode;
  reason: string;
  checks: LayerCheck[];
}

function fail(index: number, layerDigest: string, stage: number, code: ErrorCode, reason: string, extra: Partial<LayerCheck> = {}): LayerCheck {
  return { index, layerDigest, verified: false, code, reason, stage, ...extra };
}

export function summarize(checks: LayerCheck[], what: 'signature' | 'attestation', noneCode: ErrorCode, noneReason: string): VerificationResult {
  const ok = checks.filter((c) => c.verified);
  if (ok.length > 0) return { verified: true, reason: `${ok.length} of ${checks.length} ${what}${checks.length === 1 ? '' : 's'} verified`, checks };
  if (checks.length === 0) return { verified: false, code: noneCode, reason: noneReason, checks };
  const best = checks.reduce((a, b) => (b.stage > a.stage ? b : a));
  return { verified: false, code: best.code!, reason: checks.length === 1 ? best.reason : `none of ${checks.length} ${what}s verified; closest: ${best.reason}`, checks };
}

function noKeys(): never {
  throw new PortcullisError({ code: 'USAGE', message: 'No public key to verify with', hint: 'Pass --key FILE.pub.' });
}

/** Verifies the layers of a `.sig` image for the image `manifestDigest`. */
export function verifySignatureLayers(opts: { layers: readonly CosignLayer[]; keys: readonly KeyObject[]; manifestDigest: string; annotations?: Record<string, string> }): VerificationResult {
  if (opts.keys.length === 0) noKeys();
  const checks: LayerCheck[] = [];
  opts.layers.forEach((layer, index) => {
    const d = layer.descriptor;
    if (d.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) return;
    const b64 = d.annotations?.[SIGNATURE_ANNOTATION];
    if (!b64) {
      checks.push(fail(index, d.digest, 0, 'SIGNATURE_INVALID', `layer ${index} has no ${SIGNATURE_ANNOTATION} annotation`));
      return;
    }
    const sig = Buffer.from(b64, 'base64');
    const key = opts.keys.find((k) => verifySignature(k, layer.payload, sig));
    if (!key) {
      checks.push(fail(index, d.digest, 1, 'SIGNATURE_INVALID', `signature ${index} does not verify with the given key${opts.keys.length === 1 ? '' : 's'} (wrong key, or the payload was altered)`));
      return;
    }
    const keyId = keyIdOf(key);
    let payload: SimpleSigningPayload;
    try {
      payload = parseSimpleSigningPayload(layer.payload);
    } catch (err) {
      checks.push(fail(index, d.digest, 2, 'PAYLOAD_INVALID', `signature ${index}: ${(err as Error).message}`, { keyId }));
      return;
    }
    if (payload.manifestDigest !== opts.manifestDigest) {
      checks.push(fail(index, d.digest, 3, 'SIGNATURE_DIGEST_MISMATCH', `signature ${index} is for ${payload.manifestDigest} (${payload.dockerReference}), not for ${opts.manifestDigest}`, { keyId, payload }));
      return;
    }
    for (const [k, v] of Object.entries(opts.annotations ?? {})) {
      const got = payload.optional?.[k];
      if (got === undefined || String(got) !== v) {
        checks.push(fail(index, d.digest, 4, 'SIGNATURE_MISSING', `signature ${index} lacks annotation ${k}=${v}${got === undefined ? '' : ` (has ${k}=${String(got)})`}`, { keyId, payload }));
        return;
      }
    }
    checks.push({ index, layerDigest: d.digest, verified: true, reason: `signature ${index} verified with key ${keyId}`, keyId, payload, stage: 5 });
  });
  return summarize(checks, 'signature', 'SIGNATURE_MISSING', `no signatures found for ${opts.manifestDigest}`);
}

/** Verifies the layers of an `.att` image for the image `manifestDigest`. */
export function verifyAttestationLayers(opts: { layers: readonly CosignLayer[]; keys: readonly KeyObject[]; manifestDigest: string; predicateType?: string }): VerificationResult {
  if (opts.keys.length === 0) noKeys();
  const checks: LayerCheck[] = [];
  opts.layers.forEach((layer, index) => {
    const d = layer.descriptor;
    if (d.mediaType !== DSSE_MEDIA_TYPE) return;
    let env;
    try {
      env = parseEnvelope(layer.payload);
    } catch (err) {
      checks.push(fail(index, d.digest, 0, 'PAYLOAD_INVALID', `attestation ${index}: ${(err as Error).message}`));
      return;
    }
    const accepted = verifyEnvelope(env, opts.keys);
    if (accepted.length === 0) {
      checks.push(fail(index, d.digest, 1, 'SIGNATURE_INVALID', `attestation ${index} is not signed by the given key${opts.keys.length === 1 ? '' : 's'} (wrong key, or the envelope was altered)`));
      return;
    }
    const keyId = keyIdOf(opts.keys[accepted[0]!]!);
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      checks.push(fail(index, d.digest, 2, 'PAYLOAD_INVALID', `attestation ${index} has payload type "${env.payloadType}", not ${IN_TOTO_PAYLOAD_TYPE}`, { keyId }));
      return;
    }
    let statement: Statement;
    try {
      statement = parseStatement(envelopeBody(env));
    } catch (err) {
      checks.push(fail(index, d.digest, 2, 'PAYLOAD_INVALID', `attestation ${index}: ${(err as Error).message}`, { keyId }));
      return;
    }
    if (!statementCoversDigest(statement, opts.manifestDigest)) {
      const names = statement.subject.map((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join(',')).join('; ');
      checks.push(fail(index, d.digest, 3, 'SIGNATURE_DIGEST_MISMATCH', `attestation ${index} is about ${names}, not ${opts.manifestDigest}`, { keyId, statement }));
      return;
    }
    if (opts.predicateType && statement.predicateType !== opts.predicateType) {
      checks.push(fail(index, d.digest, 4, 'PREDICATE_TYPE_MISMATCH', `attestation ${index} has predicate type ${statement.predicateType}, not ${opts.predicateType}`, { keyId, statement }));
      return;
    }
    checks.push({ index, layerDigest: d.digest, verified: true, reason: `attestation ${index} (${statement.predicateType}) verified with key ${keyId}`, keyId, statement, stage: 5 });
  });
  return summarize(checks, 'attestation', 'SIGNATURE_MISSING', `no attestations found for ${opts.manifestDigest}`);
}
