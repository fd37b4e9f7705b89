/**
 * The matcher on a Debian image's catalog: distro fixed versions at their boundaries, open issues,
 * not-affected releases, OSV ranges for language packages, alias merging, OS-owned language
 * packages deferred to the distro, and the "no data" statement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogResult, Package } from '../core/types.js';
import { matchCatalog, MemoryIndex } from './match.js';
import { parseOsv, type OsvRecord } from './osv.js';
import { parseAlpineSecdb } from './sources/alpine-secdb.js';
import { parseDebianTracker } from './sources/debian-tracker.js';

const td = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8');

function pkg(id: string, name: string, version: string, type: Package['type'], extra: Partial<Package> = {}): Package {
  return { id, name, version, type, purl: `pkg:${type}/${name}@${version}`, foundBy: 'test', licenses: [], locations: [{ path: '/x' }], ...extra };
}

function catalog(packages: Package[], os: CatalogResult['os'] = { id: 'debian', versionId: '12', codename: 'bookworm' }): CatalogResult {
  return { artifact: { reference: 'test', transport: 'oci', layers: [] }, ...(os ? { os } : {}), packages, unknowns: [] };
}

describe('Debian tracker', () => {
  const stats = { records: 0, malformed: 0 };
  const advisories = parseDebianTracker(JSON.parse(td('debian-tracker.json')), stats);
  const index = new MemoryIndex().addOs(advisories);

  it('normalises states and counts malformed entries', () => {
    expect(stats).toEqual({ records: 4, malformed: 1 });
    expect(advisories.find((a) => a.package === 'glibc' && a.release === 'bullseye')!.state).toBe('not-affected');
    expect(advisories.find((a) => a.package === 'tar')!).toMatchObject({ state: 'unfixed', severity: 'unimportant' });
  });

  it.each([
    ['2.36-9+deb12u2', true],
    ['2.36-9+deb12u3', false],
    ['2.36-9+deb12u13', false],
    ['2.36-9', true],
  ])('libc6 (source glibc) %s affected by CVE-2023-4911: %s', (v, affected) => {
    const r = matchCatalog(catalog([pkg('1', 'libc6', v, 'deb', { source: { name: 'glibc', version: v } })]), index);
    expect(r.findings.some((f) => f.id === 'CVE-2023-4911')).toBe(affected);
    if (affected) expect(r.findings[0]).toMatchObject({ fixedVersions: ['2.36-9+deb12u3'], state: 'fixed', sources: ['debian-tracker'] });
  });

  it('matches by source package, so every binary package of curl is reported', () => {
    const r = matchCatalog(catalog([pkg('1', 'curl', '7.88.1-10+deb12u3', 'deb', { source: { name: 'curl' } }), pkg('2', 'libcurl4', '7.88.1-10+deb12u3', 'deb', { source: { name: 'curl' } })]), index);
    expect(r.findings.map((f) => `${f.packageName} ${f.id}`).sort()).toEqual(['curl CVE-2023-38545', 'libcurl4 CVE-2023-38545']);
  });

  it('open issues are reported as unfixed, and other releases are not consulted', () => {
    expect(matchCatalog(catalog([pkg('1', 'tar', '1.34+dfsg-1.2+deb12u1', 'deb')]), index).findings[0]).toMatchObject({ id: 'CVE-2005-2541', state: 'unfixed', fixedVersions: [] });
    const buster = matchCatalog(catalog([pkg('1', 'tar', '1.30', 'deb')], { id: 'debian', versionId: '10' }), index);
    expect(buster.findings).toEqual([]);
    expect(buster.notes[0]).toMatch(/No advisory data for debian buster/);
  });
});

describe('OSV for language packages', () => {
  const records: OsvRecord[] = [parseOsv(td('GHSA-c2qf-rxjj-qqgw.json')), parseOsv(td('PYSEC-2023-74.yaml'))];
  // The same flaw as published by GitHub (GHSA id, aliases the CVE): merged with PYSEC.
  const ghsa: OsvRecord = { id: 'GHSA-j8r2-6x86-q33q', aliases: ['CVE-2023-32681'], affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }] }] };
  const index = new MemoryIndex().addOsv([...records, ghsa]);

  it('one flaw is one finding, with its primary id and every alias', () => {
    const r = matchCatalog(catalog([pkg('p', 'requests', '2.28.1', 'pypi')], undefined), index);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ id: 'CVE-2023-32681', aliases: ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'], fixedVersions: ['2.31.0'] });
    expect(r.findings[0]!.sources.sort()).toEqual(['osv:GHSA-j8r2-6x86-q33q', 'osv:PYSEC-2023-74']);
  });

  it('a Debian-installed Python package is left to Debian’s advisories', () => {
    const r = matchCatalog(catalog([pkg('p', 'requests', '2.28.1', 'pypi', { metadata: { osPackage: 'deb:python3-requests' } })], undefined), index);
    expect(r.findings).toEqual([]);
  });

  it('npm semver at 7.5.1 / 7.5.4', () => {
    const r = matchCatalog(catalog([pkg('a', 'semver', '7.5.1', 'npm'), pkg('b', 'semver', '7.5.4', 'npm')], undefined), index);
    expect(r.findings.map((f) => `${f.packageId} ${f.id} ${f.aliases.join(',')}`)).toEqual(['a CVE-2022-25883 GHSA-c2qf-rxjj-qqgw']);
  });
});

describe('Alpine secdb', () => {
  const doc = { distroversion: 'v3.19', reponame: 'main', urlprefix: 'https://dl-cdn.alpinelinux.org/alpine', packages: [{ pkg: { name: 'openssl', secfixes: { '3.1.4-r1': ['CVE-2023-5678'], '0': ['CVE-2022-0000'] } } }, { pkg: { name: 'broken' } }] };
  const stats = { records: 0, malformed: 0 };
  const index = new MemoryIndex().addOs(parseAlpineSecdb(doc, stats));
  it.each([
    ['3.1.4-r0', true],
    ['3.1.4-r1', false],
  ])('openssl %s affected: %s', (v, affected) => {
    const r = matchCatalog(catalog([pkg('o', 'libcrypto3', v, 'apk', { source: { name: 'openssl' } })], { id: 'alpine', versionId: '3.19.1' }), index);
    expect(r.findings.map((f) => f.id)).toEqual(affected ? ['CVE-2023-5678'] : []);
  });
  it('counts malformed packages', () => expect(stats).toEqual({ records: 2, malformed: 1 }));
});

describe('Alpine secdb v3.16 main (real openssl secfixes)', () => {
  const stats = { records: 0, malformed: 0 };
  const index = new MemoryIndex().addOs(parseAlpineSecdb(JSON.parse(td('alpine-secdb-v3.16-main.json')), stats));
  const os = { id: 'alpine', versionId: '3.16.2' };
  const lib = (v: string) => pkg('1', 'libcrypto3', v, 'apk', { source: { name: 'openssl' } });
  const found = (v: string) => matchCatalog(catalog([lib(v)], os), index).findings.map((f) => `${f.id}<${f.fixedVersions.join(',')}`).sort();
  it.each([
    ['3.0.5-r0', []],
    ['3.0.5-r1', []],
    ['3.0.3-r0', ['CVE-2022-2097<3.0.5-r0']],
    ['3.0.4-r0', ['CVE-2022-2097<3.0.5-r0']],
    ['3.0.2-r0', ['CVE-2022-1343<3.0.3-r0', 'CVE-2022-1434<3.0.3-r0', 'CVE-2022-1473<3.0.3-r0', 'CVE-2022-2097<3.0.5-r0']],
    ['3.0.1-r9', ['CVE-2022-0778<3.0.2-r0', 'CVE-2022-1343<3.0.3-r0', 'CVE-2022-1434<3.0.3-r0', 'CVE-2022-1473<3.0.3-r0', 'CVE-2022-2097<3.0.5-r0']],
  ])('libcrypto3 (origin openssl) %s: %j', (v, want) => {
    expect(found(v)).toEqual(want);
  });
  it('CVEs listed under "0" (not affecting Alpine) are never reported; other releases are not consulted', () => {
    expect(found('3.0.0-r0').some((f) => f.startsWith('CVE-2022-1292'))).toBe(false);
    expect(matchCatalog(catalog([lib('3.0.0-r0')], { id: 'alpine', versionId: '3.17.0' }), index).notes[0]).toMatch(/No advisory data for alpine 3.17/);
  });
});

describe('OSV records of the distributions (Debian:12, Alpine:v3.19, …) for OS packages', () => {
  const dsa = parseOsv(td('DSA-5514-1.json'));
  const debCve = parseOsv(td('DEBIAN-CVE-2005-2541.json'));
  const index = new MemoryIndex().addOsv([dsa, debCve]);
  const libc = (v: string) => pkg('1', 'libc6', v, 'deb', { source: { name: 'glibc', version: v } });

  it.each([
    ['2.36-9+deb12u2', ['2.36-9+deb12u3']],
    ['2.36-9', ['2.36-9+deb12u3']],
    ['2.36-9+deb12u3', undefined],
    ['2.36-9+deb12u14', undefined],
  ])('bookworm libc6 %s: CVE-2023-4911 (DSA-5514-1) fixed in %j', (v, fixed) => {
    const r = matchCatalog(catalog([libc(v)]), index);
    const f = r.findings.find((x) => x.id === 'CVE-2023-4911');
    if (!fixed) return expect(f).toBeUndefined();
    expect(f).toMatchObject({ aliases: ['DEBIAN-CVE-2023-4911', 'DSA-5514-1'], fixedVersions: fixed, state: 'fixed', sources: ['osv:DSA-5514-1'], title: 'glibc - security update' });
  });

  it('a bullseye package gets bullseye’s fix, never bookworm’s', () => {
    const os = { id: 'debian', versionId: '11', codename: 'bullseye' };
    expect(matchCatalog(catalog([libc('2.31-13+deb11u6')], os), index).findings[0]).toMatchObject({ id: 'CVE-2023-4911', fixedVersions: ['2.31-13+deb11u7'] });
    expect(matchCatalog(catalog([libc('2.31-13+deb11u7')], os), index).findings).toEqual([]);
  });

  it('a release without OSV or tracker data says so', () => {
    const r = matchCatalog(catalog([libc('2.28-10')], { id: 'debian', versionId: '10', codename: 'buster' }), index);
    expect(r.findings).toEqual([]);
    expect(r.notes[0]).toMatch(/No advisory data for debian buster/);
  });

  it('an open issue without a fix is unfixed; the tracker’s and OSV’s findings merge into one per flaw', () => {
    const stats = { records: 0, malformed: 0 };
    const both = new MemoryIndex().addOsv([dsa, debCve]).addOs(parseDebianTracker(JSON.parse(td('debian-tracker.json')), stats));
    const r = matchCatalog(catalog([libc('2.36-9+deb12u2'), pkg('2', 'tar', '1.34+dfsg-1.2+deb12u1', 'deb')]), both);
    expect(r.findings.map((f) => [f.packageName, f.id, f.aliases, f.sources.sort(), f.state])).toEqual([
      ['libc6', 'CVE-2023-4911', ['DEBIAN-CVE-2023-4911', 'DSA-5514-1'], ['debian-tracker', 'osv:DSA-5514-1'], 'fixed'],
      ['tar', 'CVE-2005-2541', ['DEBIAN-CVE-2005-2541'], ['debian-tracker', 'osv:DEBIAN-CVE-2005-2541'], 'unfixed'],
    ]);
  });

  it('an advisory fixing several CVEs gives one finding per CVE, each naming the advisory', () => {
    const multi: OsvRecord = { id: 'DSA-9000-1', upstream: ['CVE-2024-0001', 'CVE-2024-0002'], affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u9' }] }] }] };
    const r = matchCatalog(catalog([libc('2.36-9+deb12u8')]), new MemoryIndex().addOsv([multi]));
    expect(r.findings.map((f) => [f.id, f.aliases])).toEqual([
      ['CVE-2024-0001', ['DSA-9000-1']],
      ['CVE-2024-0002', ['DSA-9000-1']],
    ]);
  });

  it('Alpine OSV records match by origin package within their release (apk ordering)', () => {
    // Synthetic record in the shape of Alpine's OSV feed (ecosystem Alpine:vX.Y).
    const rec: OsvRecord = { id: 'ALPINE-CVE-2099-0001', upstream: ['CVE-2099-0001'], affected: [{ package: { ecosystem: 'Alpine:v3.19', name: 'busybox' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.36.1-r16' }] }] }] };
    const idx = new MemoryIndex().addOsv([rec]);
    const os = { id: 'alpine', versionId: '3.19.1' };
    const bb = (v: string) => pkg('1', 'ssl_client', v, 'apk', { source: { name: 'busybox' } });
    expect(matchCatalog(catalog([bb('1.36.1-r15')], os), idx).findings[0]).toMatchObject({ id: 'CVE-2099-0001', fixedVersions: ['1.36.1-r16'] });
    expect(matchCatalog(catalog([bb('1.36.1-r16')], os), idx).findings).toEqual([]);
    expect(matchCatalog(catalog([bb('1.36.1-r2')], { id: 'alpine', versionId: '3.20.0' }), idx).notes[0]).toMatch(/No advisory data for alpine 3.20/);
  });
});
