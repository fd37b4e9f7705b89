/**
 * Offline verification of an image's stored signatures and attestations against one authority,
 * with the verifiers of `src/attest/` (cosign tag layout and OCI 1.1 referrer bundles), memoised
 * per artifacts object: a cached provider hands out the same object for a digest, so a warm
 * review verifies nothing again.
 */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  emptyTrustedRoot,
  verifyKeylessAttestationLayers,
  verifyKeylessSignatureLayers,
  verifyReferrerBundles,
  summarize,
  verifyAttestationLayers,
  verifySignatureLayers,
  type LayerCheck,
  type VerificationResult,
} from '../attest/index.js';
import type { Authority } from './compile.js';
import type { SignedArtifacts } from './evidence.js';

let noRoot: TrustedRoot | undefined;
const memo = new WeakMap<SignedArtifacts, WeakMap<Authority, Map<string, VerificationResult>>>();

function compute(a: SignedArtifacts, auth: Authority, digest: string, purpose: 'signature' | 'attestation', predicateType: string | undefined): VerificationResult {
  const layers = purpose === 'signature' ? a.signatureLayers : a.attestationLayers;
  const pt = predicateType ? { predicateType } : {};
  let checks: LayerCheck[] = [];
  if (layers.length > 0) {
    if (auth.keys) {
      checks = purpose === 'signature' ? verifySignatureLayers({ layers, keys: auth.keys, manifestDigest: digest }).checks : verifyAttestationLayers({ layers, keys: auth.keys, manifestDigest: digest, ...pt }).checks;
    } else {
      const opts = { layers, trustedRoot: auth.trustedRoot!, identity: auth.identity!, manifestDigest: digest };
      checks = purpose === 'signature' ? verifyKeylessSignatureLayers(opts) : verifyKeylessAttestationLayers({ ...opts, ...pt });
    }
  }
  checks.push(
    ...verifyReferrerBundles({
      bundles: a.referrers,
      purpose,
      manifestDigest: digest,
      firstIndex: layers.length,
      ...pt,
      ...(auth.keys ? { keys: auth.keys, trustedRoot: (noRoot ??= emptyTrustedRoot()) } : { identity: auth.identity!, trustedRoot: auth.trustedRoot! }),
    }),
  );
  return summarize(checks, purpose, 'SIGNATURE_MISSING', `no ${purpose}s found for ${digest}`);
}

/** The verification of the artifacts of `digest` against one authority (memoised). */
export function verifyWith(a: SignedArtifacts, auth: Authority, digest: string, purpose: 'signature' | 'attestation', predicateType?: string): VerificationResult {
  let byAuth = memo.get(a);
  if (!byAuth) memo.set(a, (byAuth = new WeakMap()));
  let byKey = byAuth.get(auth);
  if (!byKey) byAuth.set(auth, (byKey = new Map()));
  const key = `${digest}\0${purpose}\0${predicateType ?? ''}`;
  let r = byKey.get(key);
  if (!r) byKey.set(key, (r = compute(a, auth, digest, purpose, predicateType)));
  return r;
}
