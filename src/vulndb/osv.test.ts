/**
 * OSV range evaluation, checked by hand at every boundary of real advisories, plus the spec's
 * event kinds (last_affected, limit, SEMVER, withdrawn).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateOsv, parseOsv, type OsvRecord } from './osv.js';

const data = (f: string) => parseOsv(readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8'));

describe('GHSA-c2qf-rxjj-qqgw (semver ReDoS, npm): three ranges', () => {
  const rec = data('GHSA-c2qf-rxjj-qqgw.json');
  it.each([
    ['0.0.1', true, ['5.7.2']],
    ['5.7.1', true, ['5.7.2']],
    ['5.7.2', false, []],
    ['5.7.3', false, []],
    ['6.0.0', true, ['6.3.1']],
    ['6.3.0', true, ['6.3.1']],
    ['6.3.1', false, []],
    ['7.0.0-rc.1', false, []],
    ['7.0.0', true, ['7.5.2']],
    ['7.5.1', true, ['7.5.2']],
    ['7.5.2', false, []],
    ['7.5.4', false, []],
  ])('semver@%s affected=%s', (v, affected, fixed) => {
    const r = evaluateOsv(rec, 'npm', 'semver', v);
    expect(r.affected).toBe(affected);
    expect(r.fixedVersions).toEqual(fixed);
  });
  it('another package of the same name in another ecosystem is not affected', () => {
    expect(evaluateOsv(rec, 'PyPI', 'semver', '1.0.0').affected).toBe(false);
  });
});

describe('PYSEC-2023-74 (requests, PyPI): ECOSYSTEM range + versions list, GIT range ignored', () => {
  const rec = data('PYSEC-2023-74.yaml');
  it.each([
    ['2.2.1', false],
    ['2.3.0', true],
    ['2.28.1', true],
    ['2.30.0', true],
    ['2.31.0', false],
    ['2.31.0rc1', true],
    ['2.32.3', false],
  ])('requests %s affected=%s', (v, affected) => {
    expect(evaluateOsv(rec, 'PyPI', 'Requests', v).affected).toBe(affected);
  });
  it('reports aliases', () => expect(rec.aliases).toEqual(['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q']));
});

describe('OSV spec event kinds', () => {
  const rec = (events: object[], extra: Partial<OsvRecord> = {}, type = 'ECOSYSTEM'): OsvRecord => ({ id: 'TEST-1', affected: [{ package: { ecosystem: 'Go', name: 'example.com/m' }, ranges: [{ type, events }] }], ...extra });
  it.each([
    [[{ introduced: '0' }, { last_affected: 'v1.2.3' }], 'v1.2.3', true],
    [[{ introduced: '0' }, { last_affected: 'v1.2.3' }], 'v1.2.4-0.20200101000000-abcdefabcdef', false],
    [[{ introduced: 'v1.0.0' }, { fixed: 'v1.1.0' }, { introduced: 'v2.0.0' }, { fixed: 'v2.0.5' }], 'v1.5.0', false],
    [[{ introduced: 'v1.0.0' }, { fixed: 'v1.1.0' }, { introduced: 'v2.0.0' }, { fixed: 'v2.0.5' }], 'v2.0.4', true],
    [[{ introduced: '0' }, { limit: 'v3.0.0' }], 'v3.0.0', false],
    [[{ introduced: '0' }, { limit: 'v3.0.0' }], 'v2.9.9', true],
    [[{ introduced: '0' }], 'v9.9.9', true],
  ])('%j at %s → %s', (events, v, want) => {
    expect(evaluateOsv(rec(events), 'Go', 'example.com/m', v).affected).toBe(want);
  });
  it('SEMVER ranges use semver ordering whatever the ecosystem', () => {
    expect(evaluateOsv(rec([{ introduced: '1.0.0' }, { fixed: '1.0.1' }], {}, 'SEMVER'), 'Go', 'example.com/m', 'v1.0.0').affected).toBe(true);
  });
  it('withdrawn advisories never match', () => {
    expect(evaluateOsv(rec([{ introduced: '0' }], { withdrawn: '2024-01-01T00:00:00Z' }), 'Go', 'example.com/m', 'v1.0.0').affected).toBe(false);
  });
  it('malformed records are rejected with a reason', () => {
    expect(() => parseOsv('{"summary": "no id"}')).toThrow(/missing id/);
    expect(() => parseOsv('{"id": "X", "affected": [{"ranges": [{"type": "ECOSYSTEM"}]}]}')).toThrow(/malformed ranges/);
  });
});

describe('GIT ranges, decided by exact commit only', () => {
  const fix = '74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5';
  const intro = '0123456789abcdef0123456789abcdef01234567';
  const rec = (events: object[], versions?: string[]): OsvRecord => ({ id: 'TEST-GIT', affected: [{ package: { ecosystem: 'Go', name: 'example.com/g' }, ranges: [{ type: 'GIT', repo: 'https://example.com/g', events }], ...(versions ? { versions } : {}) }] });
  it.each([
    ['installed commit is the fix', [{ introduced: intro }, { fixed: fix }], fix, false],
    ['abbreviated fix commit', [{ introduced: intro }, { fixed: fix }], fix.slice(0, 12), false],
    ['pseudo-version at the fix commit', [{ introduced: intro }, { fixed: fix }], `v0.0.0-20230522000000-${fix.slice(0, 12)}`, false],
    ['installed commit is the introducing one', [{ introduced: intro }, { fixed: fix }], intro, true],
    ['pseudo-version at the introducing commit', [{ introduced: intro }, { fixed: fix }], `v1.2.4-0.20200101000000-${intro.slice(0, 12)}`, true],
    ['last_affected commit', [{ introduced: '0' }, { last_affected: intro }], intro, true],
    ['limit commit', [{ introduced: intro }, { limit: fix }], fix, false],
    ['another commit: undecided, not affected', [{ introduced: intro }, { fixed: fix }], 'deadbeefdeadbeefdeadbeef', false],
    ['a release version: undecided, not affected', [{ introduced: '0' }, { fixed: fix }], 'v1.0.0', false],
  ])('%s', (_what, events, v, want) => {
    expect(evaluateOsv(rec(events), 'Go', 'example.com/g', v).affected).toBe(want);
  });
  it('an undecided commit falls back to the versions list; a fixed commit overrides it', () => {
    expect(evaluateOsv(rec([{ introduced: '0' }, { fixed: fix }], ['v1.0.0']), 'Go', 'example.com/g', 'v1.0.0').affected).toBe(true);
    expect(evaluateOsv(rec([{ introduced: '0' }, { fixed: fix }], [fix]), 'Go', 'example.com/g', fix).affected).toBe(false);
  });
  it('GIT hits never report commit hashes as fixed versions', () => {
    expect(evaluateOsv(rec([{ introduced: intro }, { fixed: fix }]), 'Go', 'example.com/g', intro).fixedVersions).toEqual([]);
  });
  it('PYSEC-2023-74: requests at its fix commit is not affected by the GIT range', () => {
    expect(evaluateOsv(data('PYSEC-2023-74.yaml'), 'PyPI', 'requests', fix).affected).toBe(false);
  });
});

describe('GO-2023-1878 (Go vulndb, stdlib net/http): SEMVER range with a prerelease introduced', () => {
  const rec = data('GO-2023-1878.json');
  it.each([
    ['1.19.8', true, ['1.19.11', '1.20.6']],
    ['1.19.10', true, ['1.19.11', '1.20.6']],
    ['1.19.11', false, []],
    ['1.19.13', false, []],
    ['1.20.0-rc.1', true, ['1.20.6']],
    ['1.20.0', true, ['1.20.6']],
    ['1.20.5', true, ['1.20.6']],
    ['1.20.6', false, []],
    ['1.21.0', false, []],
  ])('stdlib %s affected=%s fixed=%j', (v, affected, fixed) => {
    const r = evaluateOsv(rec, 'Go', 'stdlib', v);
    expect(r.affected).toBe(affected);
    expect(r.fixedVersions).toEqual(fixed);
  });
  it('aliases the CVE', () => expect(rec.aliases).toEqual(['CVE-2023-29406']));
});
