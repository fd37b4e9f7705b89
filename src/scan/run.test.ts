/**
 * The scan use case called directly (no CLI): the fixture root filesystem and a small root
 * filesystem made of its dpkg database and a planted token, against advisories imported into a
 * real embedded store; filters, VEX, secrets, coverage and the errors it raises.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from '../../test/support/fixtures.js';
import { toCycloneDx } from '../sbom/cyclonedx.js';
import { SecretFactory } from '../secrets/testing.js';
import { openStore } from '../store/store.js';
import { parseIgnoreFile } from '../vulndb/filter.js';
import { importAdvisories } from '../vulndb/import.js';
import { openAdvisorySource, type AdvisorySource } from '../vulndb/index-file/open.js';
import { parseVex } from '../vulndb/vex.js';
import { runScan, type ScanOptions, type ScanReport, type VulnerabilityScanReport } from './run.js';

const TD = join(import.meta.dirname, '..', 'vulndb', 'testdata');
const NOW = new Date('2026-06-01T00:00:00Z');
const token = 'glpat-' + new SecretFactory(20260601).str(20);

let fx: FixturePaths;
let work: string;
let dataDir: string;
let emptyDir: string;
let mini: string;

/** The real advisory source of a data directory, counting how often it is opened and closed. */
function advisories(dir: string) {
  const counts = { opened: 0, closed: 0 };
  const open = async (): Promise<AdvisorySource> => {
    counts.opened++;
    const s = await openAdvisorySource({ dataDir: dir });
    return { ...s, close: async () => { counts.closed++; await s.close(); } };
  };
  return { open, counts };
}

const vulnIds = (r: ScanReport) => (r.kind === 'vulnerability' ? r.input.findings.map((f) => `${f.packageName} ${f.id}`) : []);

function vulnReport(r: ScanReport): VulnerabilityScanReport {
  expect(r.kind).toBe('vulnerability');
  return r as VulnerabilityScanReport;
}

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-run-'));
  dataDir = join(work, 'db');
  emptyDir = join(work, 'empty');
  const store = await openStore({ dataDir, command: 'test' });
  try {
    for (const f of ['GHSA-c2qf-rxjj-qqgw.json', 'PYSEC-2023-74.yaml', 'debian-tracker.json']) await importAdvisories(store, join(TD, f));
  } finally {
    await store.close();
  }
  await (await openStore({ dataDir: emptyDir, command: 'test' })).close();
  // A small Debian root filesystem: the fixture's os-release and dpkg database, and a token.
  mini = join(work, 'mini');
  mkdirSync(join(mini, 'etc'), { recursive: true });
  mkdirSync(join(mini, 'var', 'lib', 'dpkg'), { recursive: true });
  writeFileSync(join(mini, 'etc', 'os-release'), readFileSync(join(fx.rootfsApp, 'etc', 'os-release')));
  copyFileSync(join(fx.rootfsApp, 'var', 'lib', 'dpkg', 'status'), join(mini, 'var', 'lib', 'dpkg', 'status'));
  writeFileSync(join(mini, 'etc', 'gitlab.env'), `GITLAB_TOKEN=${token}\n`);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('runScan on the fixture root filesystem', () => {
  it('reports the open Debian issue of tar, names Go as not checked, and closes the advisory data', async () => {
    const src = advisories(dataDir);
    const r = vulnReport(await runScan({ kind: 'rootfs', target: fx.rootfsApp, scanners: { vuln: true, secret: false }, openAdvisories: src.open, now: NOW }));
    expect(vulnIds(r)).toEqual(['tar CVE-2005-2541']);
    expect(r.failed).toBe(true);
    expect(r.input.result.artifact.reference).toBe(`rootfs:${fx.rootfsApp}`);
    expect(r.input.coverage?.uncovered.map((e) => e.reason)).toContain('no-data');
    expect(r.input.match.notes.some((n) => n.includes('Go'))).toBe(true);
    expect(r.input.secrets).toBeUndefined();
    expect(src.counts).toEqual({ opened: 1, closed: 1 });
  });
});

describe('runScan filters', () => {
  const base = (): ScanOptions => ({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: advisories(dataDir).open, now: NOW });
  const notAffected = parseVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.com/vex/run-test',
      author: 'test',
      timestamp: '2026-01-01T00:00:00Z',
      version: 1,
      statements: [{ vulnerability: { name: 'CVE-2005-2541' }, products: [{ '@id': 'pkg:deb/debian/tar' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
    }),
    'run-test.openvex.json',
  );
  const cases: { name: string; opts: Partial<ScanOptions>; reported: string[]; suppressed: string[] }[] = [
    { name: 'no filter', opts: {}, reported: ['tar CVE-2005-2541'], suppressed: [] },
    { name: 'severity HIGH,CRITICAL', opts: { severities: ['HIGH', 'CRITICAL'] }, reported: [], suppressed: [] },
    { name: 'severity LOW', opts: { severities: ['LOW'] }, reported: ['tar CVE-2005-2541'], suppressed: [] },
    { name: 'ignore unfixed', opts: { ignoreUnfixed: true }, reported: [], suppressed: [] },
    { name: 'ignore rule in force', opts: { ignore: parseIgnoreFile('CVE-2005-2541 exp:2999-01-01 path:/var/lib/dpkg/**\n', 'ignore') }, reported: [], suppressed: [] },
    { name: 'ignore rule expired', opts: { ignore: parseIgnoreFile('CVE-2005-2541 exp:2026-05-31\n', 'ignore') }, reported: ['tar CVE-2005-2541'], suppressed: [] },
    { name: 'ignore rule for another path', opts: { ignore: parseIgnoreFile('CVE-2005-2541 path:/usr/**\n', 'ignore') }, reported: ['tar CVE-2005-2541'], suppressed: [] },
    { name: 'VEX not_affected', opts: { vex: notAffected }, reported: [], suppressed: ['tar CVE-2005-2541'] },
  ];
  it.each(cases)('$name', async ({ opts, reported, suppressed }) => {
    const r = vulnReport(await runScan({ ...base(), ...opts }));
    expect(vulnIds(r)).toEqual(reported);
    expect((r.input.suppressed ?? []).map((f) => `${f.packageName} ${f.id}`)).toEqual(suppressed);
    expect(r.failed).toBe(reported.length > 0);
  });
});

describe('runScan advisory data age', () => {
  const later = new Date(Date.now() + 30 * 86_400_000);
  it.each([
    { maxAgeDays: 7, stale: true },
    { maxAgeDays: 60, stale: false },
    { maxAgeDays: 0, stale: false },
  ])('30 days after the import, --db-max-age $maxAgeDays: stale $stale', async ({ maxAgeDays, stale }) => {
    const r = vulnReport(await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: advisories(dataDir).open, maxAgeDays, now: later }));
    expect(r.staleWarning !== undefined).toBe(stale);
  });
});

describe('runScan secrets', () => {
  it('secrets only: the advisory data is never opened, the report is of kind secret', async () => {
    const src = advisories(dataDir);
    const r = await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: false, secret: true }, openAdvisories: src.open, now: NOW });
    expect(r.kind).toBe('secret');
    if (r.kind !== 'secret') return;
    expect(r.input.secrets.map((s) => [s.path, s.ruleId])).toEqual([['/etc/gitlab.env', 'gitlab-pat']]);
    expect(JSON.stringify(r)).not.toContain(token);
    expect(r.failed).toBe(true);
    expect(src.counts).toEqual({ opened: 0, closed: 0 });
  });

  it('vulnerabilities and secrets in one report; secret severity and ignore filters apply', async () => {
    const both = vulnReport(await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: true }, openAdvisories: advisories(dataDir).open, now: NOW }));
    expect(vulnIds(both)).toEqual(['tar CVE-2005-2541']);
    expect(both.input.secrets?.map((s) => s.ruleId)).toEqual(['gitlab-pat']);
    const ignored = await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: false, secret: true }, ignore: parseIgnoreFile('secret/gitlab-pat\n', 'ignore'), now: NOW });
    expect(ignored.kind === 'secret' && ignored.input.secrets).toEqual([]);
    expect(ignored.failed).toBe(false);
    const low = await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: false, secret: true }, severities: ['LOW'], now: NOW });
    expect(low.kind === 'secret' && low.input.secrets).toEqual([]);
  });
});

describe('runScan of an SBOM', () => {
  it('finds what the scan of the directory it describes finds', async () => {
    const dir = vulnReport(await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: advisories(dataDir).open, now: NOW }));
    const sbom = join(work, 'mini.cdx.json');
    writeFileSync(sbom, JSON.stringify(toCycloneDx(dir.input.result, { toolVersion: '0.0.0-test', now: NOW })));
    const r = await runScan({ kind: 'sbom', target: sbom, scanners: { vuln: true, secret: false }, openAdvisories: advisories(dataDir).open, now: NOW });
    expect(vulnIds(r)).toEqual(vulnIds(dir));
  });
});

describe('runScan errors', () => {
  const cases: { name: string; opts: () => ScanOptions; code: string; closed: number }[] = [
    { name: 'no advisory data at all: DB_EMPTY', opts: () => ({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: counted.open }), code: 'DB_EMPTY', closed: 1 },
    { name: 'a registry image offline: OFFLINE', opts: () => ({ kind: 'image', target: 'docker://registry.example.invalid/app:1', offline: true, scanners: { vuln: true, secret: false }, openAdvisories: counted.open }), code: 'OFFLINE', closed: 1 },
    { name: 'a missing directory', opts: () => ({ kind: 'rootfs', target: join(work, 'nowhere'), scanners: { vuln: true, secret: false }, openAdvisories: counted.open }), code: 'FILE_NOT_FOUND', closed: 1 },
    { name: 'secrets in an SBOM: USAGE', opts: () => ({ kind: 'sbom', target: join(work, 'mini.cdx.json'), scanners: { vuln: true, secret: true }, openAdvisories: counted.open }), code: 'USAGE', closed: 0 },
    { name: 'vulnerabilities without advisory data: INTERNAL', opts: () => ({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false } }), code: 'INTERNAL', closed: 0 },
  ];
  let counted: ReturnType<typeof advisories>;
  it.each(cases)('$name', async ({ opts, code, closed }) => {
    counted = advisories(emptyDir);
    await expect(runScan(opts())).rejects.toMatchObject({ code });
    expect(counted.counts.closed).toBe(closed);
    expect(counted.counts.opened).toBe(closed);
  });

  it('--allow-empty-db: scans anyway and says what was not checked', async () => {
    const r = vulnReport(await runScan({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: advisories(emptyDir).open, allowEmptyDb: true }));
    expect(r.input.findings).toEqual([]);
    expect(r.failed).toBe(false);
    expect(r.input.coverage?.checked).toEqual([]);
    expect(r.input.coverage?.uncovered.length).toBeGreaterThan(0);
  });

  it('an aborted signal rejects with its reason before anything is opened', async () => {
    const src = advisories(dataDir);
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(runScan({ kind: 'rootfs', target: mini, scanners: { vuln: true, secret: false }, openAdvisories: src.open, signal: ctl.signal })).rejects.toBe(ctl.signal.reason);
    expect(src.counts.opened).toBe(0);
  });
});
