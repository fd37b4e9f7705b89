import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from './selectors.js';

const L = { app: 'web', tier: 'front' };

describe('label selectors (metav1.LabelSelector semantics)', () => {
  it.each([
    [{}, L, true],
    [{}, {}, true],
    [{ matchLabels: { app: 'web' } }, L, true],
    [{ matchLabels: { app: 'api' } }, L, false],
    [{ matchLabels: { app: 'web', env: 'prod' } }, L, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, L, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, L, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, L, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, L, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, L, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, L, true], // absent key satisfies NotIn
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, L, true],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, L, false],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, L, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, L, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, L, false], // ANDed
  ])('%j on %j → %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, /In needs values/],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, /Exists takes no values/],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, /unknown operator "Gt"/],
    [{ matchLabels: ['a'] }, /matchLabels is not a map/],
  ])('invalid %j matches nothing and says why', (sel, why) => {
    const p = parseLabelSelector(sel);
    expect(p.matches({ a: 'x' })).toBe(false);
    expect(p.invalid).toMatch(why);
  });

  it('empty is only a selector without requirements', () => {
    expect(parseLabelSelector({}).empty).toBe(true);
    expect(parseLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty).toBe(true);
    expect(parseLabelSelector({ matchLabels: { a: 'b' } }).empty).toBe(false);
  });
});
