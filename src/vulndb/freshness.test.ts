/** Data age: the last confirmation of each source, one warning past the limit, the flag's parser. */
import { describe, expect, it } from 'vitest';
import { formatAge, lastConfirmed, staleWarning, tryParseMaxAge } from './freshness.js';

const now = new Date('2026-12-03T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86400_000);

describe('freshness', () => {
  it('a 304 (checkedAt) renews the data; an older check does not', () => {
    expect(lastConfirmed({ id: 'a', importedAt: daysAgo(10), checkedAt: daysAgo(1) })).toEqual(daysAgo(1));
    expect(lastConfirmed({ id: 'a', importedAt: daysAgo(1), checkedAt: daysAgo(3) })).toEqual(daysAgo(1));
    expect(lastConfirmed({ id: 'a', importedAt: daysAgo(2), checkedAt: null })).toEqual(daysAgo(2));
  });

  it.each([
    [[], 7, undefined],
    [[{ id: 'osv:npm', importedAt: daysAgo(3) }], 7, undefined],
    [[{ id: 'osv:npm', importedAt: daysAgo(8) }], 7, 'advisory data is older than 7 days: osv:npm was last updated 8 d ago; run `portcullis db update` (or set --db-max-age)'],
    [[{ id: 'osv:npm', importedAt: daysAgo(8) }, { id: 'debian-tracker', importedAt: daysAgo(20) }, { id: 'osv:Go', importedAt: daysAgo(9) }], 7, 'advisory data is older than 7 days: debian-tracker was last updated 20 d ago and 2 other sources; run `portcullis db update` (or set --db-max-age)'],
    [[{ id: 'osv:npm', importedAt: daysAgo(30) }], 0, undefined],
    [[{ id: 'osv:npm', importedAt: daysAgo(30), checkedAt: daysAgo(0.5) }], 1, undefined],
  ])('%j with %d days → %s', (sources, maxAgeDays, want) => {
    expect(staleWarning(sources, { now, maxAgeDays })).toBe(want);
  });

  it.each([
    [5_000, '5 s'],
    [600_000, '10 min'],
    [5 * 3600_000, '5 h'],
    [3 * 86400_000, '3 d'],
  ])('formatAge(%d) = %s', (ms, s) => expect(formatAge(ms)).toBe(s));

  it.each([
    ['7', 7],
    ['0', 0],
    ['0.5', 0.5],
    ['-1', undefined],
    ['soon', undefined],
    ['', undefined],
  ])('tryParseMaxAge(%j) = %s', (raw, n) => expect(tryParseMaxAge(raw)).toBe(n));
});
