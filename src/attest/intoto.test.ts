import { describe, expect, it } from 'vitest';
import { buildStatement, parseStatement, predicateValue, resolvePredicateType, statementCoversDigest } from './intoto.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('in-toto statements', () => {
  it.each([
    ['slsaprovenance', 'https://slsa.dev/provenance/v0.2'],
    ['slsaprovenance02', 'https://slsa.dev/provenance/v0.2'],
    ['slsaprovenance1', 'https://slsa.dev/provenance/v1'],
    ['cyclonedx', 'https://cyclonedx.org/bom'],
    ['spdx', 'https://spdx.dev/Document'],
    ['spdxjson', 'https://spdx.dev/Document'],
    ['vuln', 'https://cosign.sigstore.dev/attestation/vuln/v1'],
    ['link', 'https://in-toto.io/Link/v1'],
    ['openvex', 'https://openvex.dev/ns'],
    ['custom', 'https://cosign.sigstore.dev/attestation/v1'],
    ['https://example.com/my-predicate/v1', 'https://example.com/my-predicate/v1'],
  ])('maps --type %s to %s as cosign does', (name, uri) => {
    expect(resolvePredicateType(name).uri).toBe(uri);
  });

  it('refuses a type that is neither a short name nor a URI', () => {
    expect(() => resolvePredicateType('sbom')).toThrowCode('USAGE', '"sbom"');
  });

  it('embeds predicates as cosign does: JSON, SPDX as a string, custom wrapped with a timestamp', () => {
    const now = () => new Date('2026-01-02T03:04:05.678Z');
    expect(predicateValue(resolvePredicateType('cyclonedx'), Buffer.from('{"bomFormat":"CycloneDX"}'))).toEqual({ bomFormat: 'CycloneDX' });
    expect(predicateValue(resolvePredicateType('spdx'), Buffer.from('{"x":1}'))).toBe('{"x":1}');
    expect(predicateValue(resolvePredicateType('custom'), Buffer.from('free text'), now)).toEqual({ Data: 'free text', Timestamp: '2026-01-02T03:04:05Z' });
    expect(() => predicateValue(resolvePredicateType('slsaprovenance1'), Buffer.from('not json'))).toThrowCode('USAGE', '"slsaprovenance1"');
  });

  it('builds a Statement v1 whose subject is the repository and digest; parses v1 and v0.1', () => {
    const st = buildStatement({ subjectName: 'r.example/app', manifestDigest: DIGEST, kind: resolvePredicateType('vuln'), predicate: { scanner: {} } });
    expect(st).toEqual({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'r.example/app', digest: { sha256: 'ab'.repeat(32) } }], predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1', predicate: { scanner: {} } });
    const parsed = parseStatement(Buffer.from(JSON.stringify({ ...st, _type: 'https://in-toto.io/Statement/v0.1' })));
    expect(statementCoversDigest(parsed, DIGEST)).toBe(true);
    expect(statementCoversDigest(parsed, `sha256:${'cd'.repeat(32)}`)).toBe(false);
    expect(() => parseStatement(Buffer.from(JSON.stringify({ ...st, _type: 'x' })))).toThrowCode('PAYLOAD_INVALID');
    expect(() => parseStatement(Buffer.from(JSON.stringify({ ...st, subject: [] })))).toThrowCode('PAYLOAD_INVALID');
  });
});
