import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { generateKeyPair } from './keys.js';
import { KeySigner } from './signer.js';
import { envelopeBody, pae, parseEnvelope, serializeEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';

const b64url = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');

describe('DSSE', () => {
  // The worked example of the DSSE protocol spec (protocol.md, "Test Vectors").
  const SPEC = {
    type: 'http://example.com/HelloWorld',
    body: 'hello world',
    x: 46950820868899156662930047687818585632848591499744589407958293238635476079160n,
    y: 5640078356564379163099075877009565129882514886557779369047442380624545832820n,
    envelope: '{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}',
  };

  it('encodes PAE as in the spec\'s worked example', () => {
    expect(pae(SPEC.type, Buffer.from(SPEC.body)).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts bytes, not characters, in PAE lengths', () => {
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('verifies the spec\'s example envelope with the spec\'s public key (raw r||s signature)', () => {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(SPEC.x), y: b64url(SPEC.y) }, format: 'jwk' });
    const env = parseEnvelope(Buffer.from(SPEC.envelope));
    expect(envelopeBody(env).toString()).toBe('hello world');
    expect(verifyEnvelope(env, [key])).toEqual([0]);
    // The same envelope with another payload type fails: the type is authenticated.
    expect(verifyEnvelope({ ...env, payloadType: 'http://example.com/Other' }, [key])).toEqual([]);
  });

  it('signs and verifies round trip; tampering or another key fails', async () => {
    const pair = generateKeyPair();
    const other = generateKeyPair();
    const env = await signEnvelope({ payloadType: 'application/vnd.in-toto+json', body: Buffer.from('{"a":1}'), signer: new KeySigner(pair.privateKey) });
    const bytes = serializeEnvelope(env);
    expect(bytes.toString()).toMatch(/^\{"payloadType":"application\/vnd.in-toto\+json","payload":"eyJhIjoxfQ==","signatures":\[\{"keyid":"","sig":"[^"]+"\}\]\}$/);
    const parsed = parseEnvelope(bytes);
    expect(verifyEnvelope(parsed, [other.publicKey, pair.publicKey])).toEqual([1]);
    expect(verifyEnvelope({ ...parsed, payload: Buffer.from('{"a":2}').toString('base64') }, [pair.publicKey])).toEqual([]);
    expect(verifyEnvelope(parsed, [other.publicKey])).toEqual([]);
  });

  it('is accepted by @sigstore/verify as a public-key DSSE bundle (a second, independent verifier)', async () => {
    const pair = generateKeyPair();
    const env = await signEnvelope({ payloadType: 'application/vnd.in-toto+json', body: Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}'), signer: new KeySigner(pair.privateKey) });
    const bundle = bundleFromJSON({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'k' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      dsseEnvelope: { payload: env.payload, payloadType: env.payloadType, signatures: env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig })) },
    });
    const trust = (key: typeof pair.publicKey) => ({ certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey: () => ({ publicKey: key, validFor: () => true }) });
    const opts = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };
    expect(() => new Verifier(trust(pair.publicKey), opts).verify(toSignedEntity(bundle))).not.toThrow();
    expect(() => new Verifier(trust(generateKeyPair().publicKey), opts).verify(toSignedEntity(bundle))).toThrow(expect.objectContaining({ code: 'SIGNATURE_ERROR' }));
  });

  it.each([
    ['not JSON', '{'],
    ['no signatures', '{"payloadType":"t","payload":"","signatures":[]}'],
    ['payload not base64', '{"payloadType":"t","payload":"@@","signatures":[{"sig":"AA=="}]}'],
    ['no payloadType', '{"payload":"","signatures":[{"sig":"AA=="}]}'],
  ])('refuses an envelope with %s (PAYLOAD_INVALID)', (_n, text) => {
    expect(() => parseEnvelope(Buffer.from(text))).toThrowCode('PAYLOAD_INVALID');
  });
});
