/**
 * The advisory index file against the store it is built from: the same answers to every query
 * and the same findings for the same catalogs (the repository's advisory test data and a few
 * thousand generated records with aliases, withdrawn records, normalised names, several
 * ecosystems per record and several advisories per package); a damaged, truncated, foreign or
 * other-version file is refused, never read; a store changed behind the index is detected.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogResult, Package } from '../../core/types.js';
import { openStore, type Store } from '../../store/store.js';
import { applyExport, importAdvisories } from '../import.js';
import { matchCatalog } from '../match.js';
import type { OsvRecord } from '../osv.js';
import { storeAdvisoryData, storeCoverage } from '../store-data.js';
import { loadIndexFrom, type AdvisoryData } from '../store-index.js';
import type { FixState } from '../../core/vulnerability.js';
import type { OsAdvisory } from '../types.js';
import { buildAdvisoryIndex } from './build.js';
import { indexPathOf, markPending } from './files.js';
import { IndexUnusable } from './format.js';
import { openCurrentIndex } from './open.js';
import { AdvisoryIndexFile } from './read.js';
import { ensureCurrentIndex, withIndexRefresh } from './refresh.js';

const TD = join(import.meta.dirname, '..', 'testdata');

/** A small seeded generator (mulberry32): the same data on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const LANG: [string, Package['type']][] = [
  ['npm', 'npm'],
  ['PyPI', 'pypi'],
  ['Go', 'golang'],
  ['Maven', 'maven'],
  ['crates.io', 'cargo'],
  ['RubyGems', 'gem'],
  ['Packagist', 'composer'],
];
const OS_ECOS = ['Debian:12', 'Debian:11', 'Alpine:v3.19', 'Ubuntu:22.04'];
const NAMES = ['alpha', 'Beta_Pkg', 'beta-pkg', 'beta.pkg', 'gamma', 'Vendor/Lib', 'vendor/lib', 'org.ex:core', 'example.com/mod', 'delta', 'glibc', 'curl', 'openssl', 'tar', 'zlib'];
const CVSS = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

function version(r: ReturnType<typeof rng>, deb: boolean): string {
  const v = `${1 + r.int(3)}.${r.int(5)}.${r.int(5)}`;
  return deb ? `${v}-${1 + r.int(3)}` : v;
}

function generate(seed: number, n: number): { osv: OsvRecord[]; os: OsAdvisory[] } {
  const r = rng(seed);
  const cves = Array.from({ length: 60 }, (_, i) => `CVE-2024-${1000 + i}`);
  const osv: OsvRecord[] = [];
  for (let i = 0; i < n; i++) {
    const affected = Array.from({ length: 1 + r.int(3) }, () => {
      const osEco = r.next() < 0.35;
      const ecosystem = osEco ? r.pick(OS_ECOS) : r.pick(LANG)[0];
      const events = [{ introduced: '0' }, ...(r.next() < 0.8 ? [{ fixed: version(r, osEco) }] : [])];
      return { package: { ecosystem, name: r.pick(NAMES) }, ranges: [{ type: r.next() < 0.2 && !osEco ? 'SEMVER' : 'ECOSYSTEM', events }], ...(r.next() < 0.2 ? { versions: [version(r, osEco)] } : {}) };
    });
    const aliases = r.next() < 0.7 ? [r.pick(cves), ...(r.next() < 0.3 ? [r.pick(cves)] : [])] : [];
    osv.push({
      id: `${r.pick(['GHSA', 'PYSEC', 'GO', 'DSA', 'DEBIAN-CVE', 'ALPINE-CVE', 'USN'])}-${String(i).padStart(5, '0')}-${r.int(100)}`,
      modified: '2024-01-01T00:00:00Z',
      ...(aliases.length ? { aliases: [...new Set(aliases)] } : {}),
      ...(r.next() < 0.3 ? { upstream: [r.pick(cves)] } : {}),
      ...(r.next() < 0.6 ? { summary: `flaw ${i}` } : {}),
      ...(r.next() < 0.5 ? { severity: [{ type: 'CVSS_V3', score: CVSS }] } : {}),
      ...(r.next() < 0.3 ? { database_specific: { severity: r.pick(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']), z: 1, a: [2, 1] } } : {}),
      ...(r.next() < 0.08 ? { withdrawn: '2024-02-01T00:00:00Z' } : {}),
      affected,
    } as OsvRecord);
  }
  const os: OsAdvisory[] = [];
  const releases: [string, string][] = [
    ['debian', 'bookworm'],
    ['debian', 'bullseye'],
    ['alpine', '3.19'],
    ['ubuntu', 'jammy'],
  ];
  for (let i = 0; i < n; i++) {
    const [distro, release] = r.pick(releases);
    const state = r.pick<FixState>(['fixed', 'fixed', 'unfixed', 'not-affected', 'will-not-fix', 'end-of-life']);
    os.push({ id: r.pick(cves), distro, release, package: r.pick(NAMES), state, ...(state === 'fixed' && r.next() < 0.9 ? { fixedVersion: version(r, true) } : {}), ...(r.next() < 0.6 ? { severity: r.pick(['low', 'medium', 'high', 'unimportant']) } : {}), ...(r.next() < 0.5 ? { description: `issue ${i}` } : {}), source: 'debian-tracker' });
  }
  return { osv, os };
}

function catalogs(seed: number, n: number): CatalogResult[] {
  const r = rng(seed);
  const oses: (CatalogResult['os'] | undefined)[] = [
    { id: 'debian', versionId: '12', codename: 'bookworm' },
    { id: 'debian', versionId: '11' },
    { id: 'alpine', versionId: '3.19.1' },
    { id: 'ubuntu', versionId: '22.04', codename: 'jammy' },
    { id: 'debian', versionId: '10' },
    undefined,
  ];
  return Array.from({ length: n }, (_, c) => {
    const os = r.pick(oses);
    const packages: Package[] = Array.from({ length: 5 + r.int(25) }, (_, i) => {
      const osPkg = os && r.next() < 0.5;
      const type: Package['type'] = osPkg ? (os.id === 'alpine' ? 'apk' : 'deb') : r.pick(LANG)[1];
      const name = r.pick(NAMES);
      const v = version(r, !!osPkg);
      return { id: `p${c}-${i}`, name, version: v, type, purl: `pkg:${type}/${name}@${v}`, foundBy: 'test', licenses: [], locations: [{ path: `/x/${i}`, layerDiffId: 'sha256:00' }], ...(osPkg && r.next() < 0.5 ? { source: { name: r.pick(NAMES) } } : {}), ...(!osPkg && r.next() < 0.1 ? { metadata: { osPackage: 'deb:x' } } : {}) };
    });
    return { artifact: { reference: `cat-${c}`, transport: 'oci', layers: [] }, ...(os ? { os } : {}), packages, unknowns: [] } as CatalogResult;
  });
}

async function sameFindings(a: AdvisoryData, b: AdvisoryData, list: CatalogResult[]): Promise<number> {
  let findings = 0;
  for (const c of list) {
    const release = (await import('../match.js')).releaseOf(c);
    const x = matchCatalog(c, await loadIndexFrom(a, c, release));
    const y = matchCatalog(c, await loadIndexFrom(b, c, release));
    expect(y).toEqual(x);
    expect(JSON.stringify(y)).toBe(JSON.stringify(x));
    findings += x.findings.length;
  }
  return findings;
}

let work: string;
let store: Store;
let dataDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-idx-'));
  dataDir = join(work, 'db');
  store = await openStore({ dataDir });
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the index answers as the store does', () => {
  it('on the repository advisory test data', async () => {
    for (const f of readdirSync(TD).filter((n) => /\.(json|yaml)$/.test(n)).sort()) await importAdvisories(store, join(TD, f));
    await buildAdvisoryIndex(store);
    const file = AdvisoryIndexFile.open(indexPathOf(dataDir));
    try {
      expect(await file.coverage()).toEqual(await storeCoverage(store));
      const db = storeAdvisoryData(store);
      const glibc = (v: string): Package => ({ id: 'g', name: 'libc6', version: v, type: 'deb', purl: 'pkg:deb/debian/libc6', foundBy: 't', licenses: [], locations: [{ path: '/var/lib/dpkg/status' }], source: { name: 'glibc' } });
      const fixture: CatalogResult[] = [
        { artifact: { reference: 'a', transport: 'oci', layers: [] }, os: { id: 'debian', versionId: '12', codename: 'bookworm' }, packages: [glibc('2.36-9+deb12u2'), { ...glibc('1.34+dfsg-1.2+deb12u1'), id: 't', name: 'tar', source: { name: 'tar' } }, { ...glibc('7.88.1-10+deb12u3'), id: 'c', name: 'libcurl4', source: { name: 'curl' } }], unknowns: [] },
        { artifact: { reference: 'b', transport: 'oci', layers: [] }, os: { id: 'debian', versionId: '11' }, packages: [glibc('2.31-13+deb11u6')], unknowns: [] },
        { artifact: { reference: 'c', transport: 'oci', layers: [] }, os: { id: 'alpine', versionId: '3.16.2' }, packages: [{ ...glibc('3.0.2-r0'), type: 'apk', name: 'libcrypto3', source: { name: 'openssl' } }], unknowns: [] },
        { artifact: { reference: 'd', transport: 'oci', layers: [] }, packages: [{ ...glibc('2.28.1'), type: 'pypi', name: 'Requests' }, { ...glibc('v1.19.8'), type: 'golang', name: 'stdlib' }, { ...glibc('7.5.1'), type: 'npm', name: 'semver' }], unknowns: [] },
      ];
      expect(await sameFindings(db, file, fixture)).toBeGreaterThan(4);
    } finally {
      file.close();
    }
  });

  it('on thousands of generated records and a hundred catalogs', async () => {
    const { osv, os } = generate(11, 3000);
    await applyExport(store, { exportedAt: '2024-01-01T00:00:00Z', sources: [{ meta: { id: 'gen', kind: 'osv', location: 'generated', importedAt: '2024-01-01T00:00:00Z', records: osv.length + os.length, malformed: 0 }, osv, os }] }, { mirror: false, location: 'generated' });
    const header = await buildAdvisoryIndex(store);
    expect(header.counts.osvRecords).toBeGreaterThan(2500);
    const file = AdvisoryIndexFile.open(indexPathOf(dataDir));
    try {
      const db = storeAdvisoryData(store);
      expect(await file.coverage()).toEqual(await storeCoverage(store));
      // Every query, raw: same rows in the same order.
      const keys = LANG.flatMap(([e]) => NAMES.map((name) => ({ ecosystem: e.toLowerCase(), name }))).concat(['debian', 'alpine', 'ubuntu'].flatMap((ecosystem) => NAMES.map((name) => ({ ecosystem, name }))));
      expect(await file.osvRecords(keys)).toEqual(await db.osvRecords(keys));
      for (const k of keys.slice(0, 40)) expect(await file.osvRecords([k])).toEqual(await db.osvRecords([k]));
      for (const [d, rel] of [['debian', 'bookworm'], ['alpine', '3.19'], ['debian', 'buster']] as const) {
        // Per package in import order (across packages the order is not part of the contract).
        for (const name of NAMES) expect(await file.osAdvisories(d, rel, [name])).toEqual(await db.osAdvisories(d, rel, [name]));
        expect(await file.hasRelease(d, rel)).toBe(await db.hasRelease(d, rel));
      }
      for (const e of [...OS_ECOS, 'Debian:10', 'Alpine:v3.20', 'Ubuntu:2_.04']) expect(await file.hasOsvEcosystem(e)).toBe(await db.hasOsvEcosystem(e));
      expect(await sameFindings(db, file, catalogs(5, 100))).toBeGreaterThan(100);
    } finally {
      file.close();
    }
  }, 120_000);
});

describe('an index that cannot be trusted is refused', () => {
  const copy = (name: string) => {
    const p = join(work, name);
    copyFileSync(indexPathOf(dataDir), p);
    return p;
  };
  const reason = (p: string, storeId?: string) => {
    try {
      AdvisoryIndexFile.open(p, storeId ? { storeId } : {}).close();
      return 'ok';
    } catch (err) {
      expect(err).toBeInstanceOf(IndexUnusable);
      return (err as IndexUnusable).reason;
    }
  };

  it('truncated, damaged tables, other version, foreign store, missing', () => {
    const size = statSync(indexPathOf(dataDir)).size;
    for (const cut of [0, 7, 100, Math.floor(size / 2), size - 49, size - 1]) {
      const p = copy(`cut-${cut}`);
      truncateSync(p, cut);
      expect(reason(p)).toMatch(/corrupt|version/);
    }
    const p = copy('flip');
    const b = readFileSync(p);
    const h = JSON.parse(b.subarray(b.length - 48 - b.readUInt32LE(b.length - 48), b.length - 48).toString()) as { sections: Record<string, [number, number]> };
    b[h.sections.osvKeyStrings[0] + 3] ^= 0x20; // a key's name: the binary search would still "work"
    writeFileSync(p, b);
    expect(reason(p)).toBe('corrupt');
    const v = readFileSync(copy('v2'));
    v.writeUInt32LE(2, v.length - 44);
    writeFileSync(join(work, 'v2'), v);
    expect(reason(join(work, 'v2'))).toBe('version');
    expect(reason(copy('foreign'), '0123456789abcdef')).toBe('foreign');
    expect(reason(join(work, 'nope'))).toBe('missing');
  });

  it('a damaged record is refused when it is read, not silently parsed', async () => {
    const p = copy('blob');
    const b = readFileSync(p);
    b[20] ^= 0x01; // inside the first record's JSON text
    writeFileSync(p, b);
    const file = AdvisoryIndexFile.open(p);
    try {
      const all = LANG.flatMap(([e]) => NAMES.map((name) => ({ ecosystem: e.toLowerCase(), name }))).concat(['debian', 'alpine', 'ubuntu'].flatMap((ecosystem) => NAMES.map((name) => ({ ecosystem, name }))));
      await expect(file.osvRecords(all)).rejects.toThrow(expect.objectContaining({ reason: 'corrupt' }) as Error);
    } finally {
      file.close();
    }
  });
});

describe('keeping the index in step with the store', () => {
  it('a change the index did not see (an import by an older build) is found and rebuilt when the store is opened', async () => {
    await buildAdvisoryIndex(store);
    expect((await ensureCurrentIndex(store)).state).toBe('current');
    await importAdvisories(store, join(TD, 'GHSA-c2qf-rxjj-qqgw.json')); // no index hook
    const s = await ensureCurrentIndex(store);
    expect(s).toMatchObject({ state: 'rebuilt', reason: /store changed/ });
    expect((await ensureCurrentIndex(store)).state).toBe('current');
  });

  it('an import that died between its commit and the index leaves a marker, and the index is not trusted', async () => {
    const m = markPending(dataDir);
    const dead = join(dataDir, 'advisories.idx.pending-999999999');
    writeFileSync(dead, JSON.stringify({ pid: 999999999, host: (await import('node:os')).hostname() }));
    rmSync(m.path);
    expect(() => openCurrentIndex(dataDir)).toThrow(expect.objectContaining({ reason: 'stale' }) as Error);
    expect((await ensureCurrentIndex(store)).state).toBe('rebuilt');
    expect(readdirSync(dataDir).filter((n) => n.includes('pending'))).toEqual([]);
    openCurrentIndex(dataDir).close();
  });

  it('an import through the hook rewrites the index and leaves no marker, also when it fails', async () => {
    const before = AdvisoryIndexFile.open(indexPathOf(dataDir));
    const was = before.header.counts.osAdvisories;
    before.close();
    await withIndexRefresh(store, () => importAdvisories(store, join(TD, 'alpine-secdb-v3.16-main.json')));
    const { osv, os } = generate(3, 10);
    await withIndexRefresh(store, async () => {
      await applyExport(store, { exportedAt: 'x', sources: [{ meta: { id: 'gen2', kind: 'osv', location: 'g', importedAt: '2024-01-02T00:00:00Z', records: 20, malformed: 0 }, osv, os }] }, { mirror: false, location: 'g' });
      throw new Error('later failure');
    }).catch((e: Error) => expect(e.message).toBe('later failure'));
    const after = openCurrentIndex(dataDir);
    expect(after.header.counts.osAdvisories).toBe(was + os.length);
    after.close();
    expect((await ensureCurrentIndex(store)).state).toBe('current');
    expect(readdirSync(dataDir).filter((n) => n.includes('pending') || n.includes('.tmp-'))).toEqual([]);
  });
});
