/** Coverage of a scan: which ecosystems found had advisory data, which did not, and when that is DB_EMPTY. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult, Package } from '../core/types.js';
import { assessCoverage, coverageNotes, isDatabaseEmptyFor, languageEcosystemsOf, type DataPresence } from './coverage.js';
import { uncoveredLine } from '../core/vulnerability.js';

function pkg(name: string, type: Package['type'], metadata?: Record<string, string>): Package {
  return { id: `${type}/${name}`, name, version: '1.0.0', type, purl: `pkg:${type}/${name}@1.0.0`, foundBy: 'test', licenses: [], locations: [{ path: '/x' }], ...(metadata ? { metadata } : {}) };
}

const debian = { id: 'debian', versionId: '12', codename: 'bookworm' };
function catalog(packages: Package[], os: CatalogResult['os'] | null = debian): CatalogResult {
  return { artifact: { reference: 'test', transport: 'oci', layers: [] }, ...(os ? { os } : {}), packages, unknowns: [] };
}

function presence(p: { lang?: string[]; os?: string[]; osv?: string[] }): DataPresence {
  return {
    hasLanguageData: (e) => (p.lang ?? []).includes(e),
    hasOsData: (d, r) => (p.os ?? []).includes(`${d}|${r}`),
    hasOsvData: (e) => (p.osv ?? []).includes(e),
  };
}

const image = catalog([pkg('tar', 'deb'), pkg('glibc', 'deb'), pkg('semver', 'npm'), pkg('lodash', 'npm'), pkg('stdlib', 'golang'), pkg('yaml', 'pypi', { osPackage: 'python3-yaml' })]);

describe('assessCoverage', () => {
  it.each([
    ['nothing imported', {}, [], ['debian bookworm:2:no-data', 'Go:1:no-data', 'npm:2:no-data'], true],
    ['tracker data for the release', { os: ['debian|bookworm'] }, ['debian bookworm:2'], ['Go:1:no-data', 'npm:2:no-data'], false],
    ["Debian's OSV data for the release", { osv: ['Debian:12'] }, ['debian bookworm:2'], ['Go:1:no-data', 'npm:2:no-data'], false],
    ['another release only', { os: ['debian|bullseye'] }, [], ['debian bookworm:2:no-data', 'Go:1:no-data', 'npm:2:no-data'], true],
    ['npm only', { lang: ['npm'] }, ['npm:2'], ['debian bookworm:2:no-data', 'Go:1:no-data'], false],
    ['everything', { lang: ['npm', 'Go'], os: ['debian|bookworm'] }, ['debian bookworm:2', 'Go:1', 'npm:2'], [], false],
  ])('%s', (_what, p, checked, uncovered, empty) => {
    const c = assessCoverage(image, presence(p));
    const fmt = (e: { ecosystem: string; release?: string; packages: number; reason?: string }) => `${e.ecosystem}${e.release ? ` ${e.release}` : ''}:${e.packages}${e.reason ? `:${e.reason}` : ''}`;
    expect(c.checked.map(fmt)).toEqual(checked);
    expect(c.uncovered.map(fmt)).toEqual(uncovered);
    expect(isDatabaseEmptyFor(c)).toBe(empty);
  });

  it('a language package installed by an OS package is covered through the distribution, not counted as PyPI', () => {
    expect(languageEcosystemsOf(image)).toEqual(['Go', 'npm']);
    expect(assessCoverage(image, presence({})).uncovered.some((e) => e.ecosystem === 'PyPI')).toBe(false);
  });

  it('OS packages of an unknown release are uncovered for that reason, which db update cannot fix', () => {
    const c = assessCoverage(catalog([pkg('busybox', 'apk')], null), presence({}));
    expect(c.uncovered).toEqual([{ ecosystem: 'os', packages: 1, reason: 'release-unknown' }]);
    expect(isDatabaseEmptyFor(c)).toBe(false);
    expect(uncoveredLine(c)).toBe('Not checked: os (1 package) (OS release unknown)');
  });

  it('a target without packages has nothing to cover and is never DB_EMPTY', () => {
    const c = assessCoverage(catalog([]), presence({}));
    expect(c).toEqual({ checked: [], uncovered: [] });
    expect(isDatabaseEmptyFor(c)).toBe(false);
    expect(uncoveredLine(c)).toBeUndefined();
  });

  it('notes name uncovered language ecosystems (the matcher already names OS releases); the table line names all', () => {
    const c = assessCoverage(image, presence({ os: ['debian|bookworm'] }));
    expect(coverageNotes(c)).toEqual(['No advisory data for Go: its 1 package was not checked (this is not "0 vulnerabilities").', 'No advisory data for npm: its 2 packages were not checked (this is not "0 vulnerabilities").']);
    expect(uncoveredLine(assessCoverage(image, presence({})))).toBe('Not checked: debian bookworm (2 packages), Go (1 package), npm (2 packages) (no advisory data)');
  });
});
