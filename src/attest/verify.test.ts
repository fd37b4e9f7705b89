import { describe, expect, it } from 'vitest';
import { digestOf } from '../oci/digest.js';
import { SIGNATURE_ANNOTATION, PREDICATE_TYPE_ANNOTATION, type CosignLayer } from './cosign-storage.js';
import { DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './dsse.js';
import { buildStatement, resolvePredicateType } from './intoto.js';
import { generateKeyPair } from './keys.js';
import { KeySigner } from './signer.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';
import { verifyAttestationLayers, verifySignatureLayers } from './verify.js';

const A = `sha256:${'aa'.repeat(32)}`;
const B = `sha256:${'bb'.repeat(32)}`;
const alice = generateKeyPair();
const bob = generateKeyPair();

async function sigLayer(key: typeof alice, digest: string, annotations?: Record<string, string>, tamper = false): Promise<CosignLayer> {
  const payload = buildSimpleSigningPayload({ dockerReference: 'r.example/app', manifestDigest: digest, ...(annotations ? { annotations } : {}) });
  const sig = await new KeySigner(key.privateKey).sign(payload);
  const bytes = tamper ? Buffer.from(payload.toString().replace('r.example/app', 'r.example/evil')) : payload;
  return { descriptor: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: digestOf(bytes), size: bytes.length, annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') } }, payload: bytes };
}

async function attLayer(key: typeof alice, digest: string, type: string): Promise<CosignLayer> {
  const kind = resolvePredicateType(type);
  const st = buildStatement({ subjectName: 'r.example/app', manifestDigest: digest, kind, predicate: {} });
  const env = serializeEnvelope(await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body: Buffer.from(JSON.stringify(st)), signer: new KeySigner(key.privateKey) }));
  return { descriptor: { mediaType: DSSE_MEDIA_TYPE, digest: digestOf(env), size: env.length, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: kind.uri } }, payload: env };
}

describe('verifySignatureLayers', () => {
  it('verifies, and names each failure with a stable code', async () => {
    const good = await sigLayer(alice, A);
    expect(verifySignatureLayers({ layers: [good], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: true });
    expect(verifySignatureLayers({ layers: [], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING' });
    expect(verifySignatureLayers({ layers: [good], keys: [bob.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
    expect(verifySignatureLayers({ layers: [good], keys: [alice.publicKey], manifestDigest: B })).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });
    expect(verifySignatureLayers({ layers: [await sigLayer(alice, A, undefined, true)], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
  });

  it('accepts any of several keys and reports the closest failure among several signatures', async () => {
    const layers = [await sigLayer(bob, A), await sigLayer(alice, B)];
    const r = verifySignatureLayers({ layers, keys: [alice.publicKey], manifestDigest: A });
    expect(r).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });
    expect(r.checks.map((c) => c.code)).toEqual(['SIGNATURE_INVALID', 'SIGNATURE_DIGEST_MISMATCH']);
    expect(verifySignatureLayers({ layers: [await sigLayer(bob, A), await sigLayer(alice, A)], keys: [alice.publicKey, bob.publicKey], manifestDigest: A }).checks.every((c) => c.verified)).toBe(true);
  });

  it('checks required annotations', async () => {
    const layer = await sigLayer(alice, A, { env: 'prod' });
    expect(verifySignatureLayers({ layers: [layer], keys: [alice.publicKey], manifestDigest: A, annotations: { env: 'prod' } }).verified).toBe(true);
    expect(verifySignatureLayers({ layers: [layer], keys: [alice.publicKey], manifestDigest: A, annotations: { env: 'dev' } })).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING' });
  });

  it('refuses a validly signed payload that is not simple signing (PAYLOAD_INVALID)', async () => {
    const payload = Buffer.from('{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"' + A + '"},"type":"cosign container image signature","extra":true},"optional":null}');
    const sig = await new KeySigner(alice.privateKey).sign(payload);
    const layer = { descriptor: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: digestOf(payload), size: payload.length, annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') } }, payload };
    expect(verifySignatureLayers({ layers: [layer], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'PAYLOAD_INVALID' });
  });
});

describe('verifyAttestationLayers', () => {
  it('verifies by key, subject digest and predicate type', async () => {
    const layers = [await attLayer(alice, A, 'cyclonedx'), await attLayer(alice, A, 'slsaprovenance1')];
    expect(verifyAttestationLayers({ layers, keys: [alice.publicKey], manifestDigest: A, predicateType: 'https://slsa.dev/provenance/v1' })).toMatchObject({ verified: true });
    expect(verifyAttestationLayers({ layers, keys: [alice.publicKey], manifestDigest: A, predicateType: 'https://spdx.dev/Document' })).toMatchObject({ verified: false, code: 'PREDICATE_TYPE_MISMATCH' });
    expect(verifyAttestationLayers({ layers, keys: [bob.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
    expect(verifyAttestationLayers({ layers, keys: [alice.publicKey], manifestDigest: B })).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });
    expect(verifyAttestationLayers({ layers: [], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING' });
    const broken = { ...layers[0]!, payload: Buffer.from('{') };
    expect(verifyAttestationLayers({ layers: [broken], keys: [alice.publicKey], manifestDigest: A })).toMatchObject({ verified: false, code: 'PAYLOAD_INVALID' });
  });
});
