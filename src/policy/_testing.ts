/**
 * Test inputs built for real: key pairs, cosign `.sig`/`.att` layers and referrer bundles signed
 * with them (the same functions `portcullis sign`/`attest` use), pods and policy text.
 */
import type { KeyObject } from 'node:crypto';
import { SIGNATURE_ANNOTATION, PREDICATE_TYPE_ANNOTATION, type CosignLayer } from '../attest/cosign-storage.js';
import { DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from '../attest/dsse.js';
import { generateKeyPair, publicKeyPem } from '../attest/keys.js';
import type { ReferrerBundle } from '../attest/referrers.js';
import { buildDsseKeyBundle } from '../attest/sigstore/bundle.js';
import { keyIdOf, KeySigner } from '../attest/signer.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from '../attest/simple-signing.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../attest/verify-sigstore.js';
import { digestOf } from '../oci/digest.js';
import type { PolicySet } from './compile.js';
import { loadPolicyText } from './load.js';

export interface TestKey {
  signer: KeySigner;
  publicKey: KeyObject;
  pem: string;
}

export function testKey(): TestKey {
  const kp = generateKeyPair();
  return { signer: new KeySigner(kp.privateKey), publicKey: kp.publicKey, pem: publicKeyPem(kp.publicKey) };
}

export const digestN = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A `.sig` layer: simple signing payload for `digest`, signed by `key`. */
export async function signatureLayer(key: TestKey, repo: string, digest: string): Promise<CosignLayer> {
  const payload = buildSimpleSigningPayload({ dockerReference: repo, manifestDigest: digest });
  const sig = await key.signer.sign(payload);
  return { descriptor: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: digestOf(payload), size: payload.length, annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') } }, payload };
}

function statement(repo: string, digest: string, predicateType: string, predicate: unknown) {
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: repo, digest: { sha256: digest.slice(7) } }], predicateType, predicate };
}

/** An `.att` layer: a DSSE envelope of an in-toto statement about `digest`. */
export async function attestationLayer(key: TestKey, repo: string, digest: string, predicateType: string, predicate: unknown): Promise<CosignLayer> {
  const body = Buffer.from(JSON.stringify(statement(repo, digest, predicateType, predicate)));
  const payload = serializeEnvelope(await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body, signer: key.signer }));
  return { descriptor: { mediaType: DSSE_MEDIA_TYPE, digest: digestOf(payload), size: payload.length, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType } }, payload };
}

/** A referrer bundle (cosign v3 layout): a signature (`predicateType` omitted) or an attestation. */
export async function referrerBundle(key: TestKey, repo: string, digest: string, predicateType = COSIGN_SIGN_PREDICATE_TYPE, predicate: unknown = {}): Promise<ReferrerBundle> {
  const body = Buffer.from(JSON.stringify(statement(repo, digest, predicateType, predicate)));
  const bundle = buildDsseKeyBundle({ envelope: await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body, signer: key.signer }), keyHint: keyIdOf(key.publicKey) });
  return { manifestDigest: digestOf(Buffer.concat([bundle, Buffer.from('m')])), bundleDigest: digestOf(bundle), bundle, annotations: {} };
}

/** A Pod with the given images (and extra spec fields). */
export function pod(images: string[], opts: { namespace?: string; spec?: Record<string, unknown>; annotations?: Record<string, string>; owned?: boolean } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: opts.namespace ?? 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}), ...(opts.owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] } : {}) },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), ...opts.spec },
  };
}

/** A restricted-compliant security context for pod specs. */
export const RESTRICTED_SPEC = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };

/** Loads policy text with key files from a map (name → PEM). */
export function policies(text: string, keys: Record<string, string> = {}, now?: Date): PolicySet {
  return loadPolicyText(text, '/policies/test.yaml', { readFile: (p) => keys[p.split('/').pop()!] ?? (() => { throw new Error(`no key ${p}`); })(), ...(now ? { now } : {}) }).set;
}
