import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSimpleSigningPayload, parseSimpleSigningPayload } from './simple-signing.js';

const DIGEST = 'sha256:4c1c50d0ffc614f90b93b07d778028dc765548e823f676fb027f61d281ac380d';

describe('simple-signing payload', () => {
  it('is byte-identical to what cosign pushed for the same image (layer digest from a real .sig manifest)', () => {
    // cosign 1.13 signed index.docker.io/chihjenhuang/cosign1@DIGEST; its .sig layer was 252 bytes
    // with digest sha256:b671489e… (a public registry trace).
    const p = buildSimpleSigningPayload({ dockerReference: 'index.docker.io/chihjenhuang/cosign1', manifestDigest: DIGEST });
    expect(p.length).toBe(252);
    expect(createHash('sha256').update(p).digest('hex')).toBe('b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc');
  });

  it('puts annotations in optional and parses back', () => {
    const p = buildSimpleSigningPayload({ dockerReference: 'r.example/app', manifestDigest: DIGEST, annotations: { env: 'prod' } });
    expect(p.toString()).toContain('"optional":{"env":"prod"}');
    expect(parseSimpleSigningPayload(p)).toEqual({ dockerReference: 'r.example/app', manifestDigest: DIGEST, type: 'cosign container image signature', optional: { env: 'prod' } });
  });

  it('parses member names case-insensitively', () => {
    const doc = { Critical: { Identity: { 'Docker-Reference': 'x/y' }, IMAGE: { 'docker-manifest-DIGEST': DIGEST }, Type: 'atomic container signature' }, Optional: null };
    expect(parseSimpleSigningPayload(Buffer.from(JSON.stringify(doc)))).toMatchObject({ dockerReference: 'x/y', manifestDigest: DIGEST, type: 'atomic container signature' });
  });

  it.each([
    ['unknown critical member', { critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature', extra: 1 } }, '"extra"'],
    ['unknown image member', { critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': DIGEST, other: 'y' }, type: 'cosign container image signature' } }, '"other"'],
    ['case-folded duplicate', JSON.parse(`{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature","Type":"cosign container image signature"}}`), '"Type"'],
    ['unknown type', { critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': DIGEST }, type: 'something else' } }, '"something else"'],
    ['bad digest', { critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': 'sha256:abc' }, type: 'cosign container image signature' } }, '"critical.image.docker-manifest-digest"'],
    ['no critical', { optional: {} }, '"critical"'],
    ['optional not an object', { critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature' }, optional: 'x' }, '"optional"'],
  ])('refuses %s with PAYLOAD_INVALID, naming the member', (_name, doc, member) => {
    expect(() => parseSimpleSigningPayload(Buffer.from(JSON.stringify(doc)))).toThrowCode('PAYLOAD_INVALID', member);
  });

  it('refuses non-JSON', () => {
    expect(() => parseSimpleSigningPayload(Buffer.from('{'))).toThrowCode('PAYLOAD_INVALID');
  });
});
