import { describe, expect, it } from 'vitest';
import type { Decision } from '../core/decision.js';
import { AUDIT_ANNOTATION_KEY } from '../policy/index.js';
import { boundedAnnotations, boundedWarnings, fieldOfPointer, MAX_WARNINGS_TOTAL, plainResponse, responseOfDecision } from './response.js';

function decision(over: Partial<Decision> = {}): Decision {
  return {
    allowed: true,
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'p' },
    images: [],
    results: [],
    warnings: [],
    patches: [{ op: 'replace', path: '/spec/containers/0/image', value: 'r.example/a:1@sha256:' + '1'.repeat(64) }],
    auditAnnotations: { decision: 'allowed', 'bad/key': 'x', ['k'.repeat(64)]: 'y' },
    noMatch: { action: 'warn', source: 'default', images: [] },
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('responseOfDecision', () => {
  it('sends patch and patchType together, on the mutating endpoint only', () => {
    const m = responseOfDecision(decision(), { endpoint: 'mutate', uid: 'u' });
    expect(m.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(m.patch!, 'base64').toString())).toEqual(decision().patches);
    const v = responseOfDecision(decision(), { endpoint: 'validate', uid: 'u' });
    expect('patch' in v || 'patchType' in v).toBe(false);
    const none = responseOfDecision(decision({ patches: [] }), { endpoint: 'mutate', uid: 'u' });
    expect('patch' in none || 'patchType' in none).toBe(false);
    const filtered = responseOfDecision(decision(), { endpoint: 'mutate', uid: 'u', patchFilter: (p) => p.path.startsWith('/spec/ephemeralContainers/') });
    expect('patch' in filtered || 'patchType' in filtered).toBe(false);
  });

  it('echoes the uid and keeps only valid audit-annotation keys', () => {
    const r = responseOfDecision(decision(), { endpoint: 'validate', uid: 'abc-123' });
    expect(r.uid).toBe('abc-123');
    expect(Object.keys(r.auditAnnotations!)).toEqual(['decision']);
    for (const k of Object.keys(r.auditAnnotations!)) expect(k).toMatch(AUDIT_ANNOTATION_KEY);
  });

  it('a denial carries status 403, the summary and one cause per failing rule with its field', () => {
    const d = decision({
      allowed: false,
      patches: [],
      results: [
        { policy: 'ClusterImagePolicy/s', rule: 'signatures', mode: 'enforce', outcome: 'fail', code: 'SIGNATURE_MISSING', message: 'no signatures', image: 'r.example/a:1', digest: 'sha256:' + '2'.repeat(64), pointer: '/spec/containers/0/image', evidence: [{ kind: 'digest', id: 'sha256:' + '2'.repeat(64) }], fix: ['portcullis sign docker://r.example/a@sha256:… --key ci.key'] },
        { policy: 'ClusterImagePolicy/s', rule: 'vulnerabilities', mode: 'warn', outcome: 'fail', message: 'warned only', evidence: [], fix: [] },
      ],
    });
    const r = responseOfDecision(d, { endpoint: 'mutate', uid: 'u' });
    expect(r.allowed).toBe(false);
    expect(r.patch).toBeUndefined();
    expect(r.status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(r.status!.message).toContain('[SIGNATURE_MISSING]');
    expect(r.status!.details!.causes).toHaveLength(1);
    expect(r.status!.details!.causes[0]).toMatchObject({ reason: 'SIGNATURE_MISSING', field: 'spec.containers[0].image' });
    expect(r.status!.details!.causes[0]!.message).toContain('fix: portcullis sign');
  });
});

describe('limits the API server enforces', () => {
  it('warnings: one line, ≤ 120 characters each, ≤ 4,096 in all, no duplicates', () => {
    const ws = boundedWarnings(['a\nb', 'x'.repeat(500), 'a\nb', ...Array.from({ length: 100 }, (_, i) => `${i} ${'w'.repeat(100)}`)]);
    expect(ws[0]).toBe('a b');
    expect(ws.every((w) => w.length <= 120 && !/[\n\r]/.test(w))).toBe(true);
    expect(ws.join('').length).toBeLessThanOrEqual(MAX_WARNINGS_TOTAL);
    expect(new Set(ws).size).toBe(ws.length);
  });

  it.each([
    ['decision', true],
    ['denied-by', true],
    ['a.b_c-d', true],
    ['portcullis.dev/x', false],
    ['-leading', false],
    ['k'.repeat(63), true],
    ['k'.repeat(64), false],
    ['', false],
  ])('annotation key %j kept: %s', (key, kept) => {
    expect(key in boundedAnnotations({ [key]: 'v' })).toBe(kept);
  });

  it.each([
    ['/spec/containers/0/image', 'spec.containers[0].image'],
    ['/spec/template/spec/initContainers/2/image', 'spec.template.spec.initContainers[2].image'],
    ['/metadata/annotations/a~1b', 'metadata.annotations.a/b'],
  ])('field of %s', (pointer, field) => {
    expect(fieldOfPointer(pointer)).toBe(field);
  });

  it('a plain denial has a status; a plain admission none', () => {
    expect(plainResponse('u', false, { code: 503, message: 'down' }).status).toMatchObject({ code: 503, message: 'down' });
    expect(plainResponse('u', true).status).toBeUndefined();
  });
});
