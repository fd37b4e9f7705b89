/**
 * `db import` + `scan` end to end: advisory fixtures imported into the embedded store and into the
 * machine's PostgreSQL, the real fixture image scanned, filters, exit codes, SARIF, SBOM re-scan,
 * and an import killed with SIGKILL that leaves the previous data intact.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let fx: FixturePaths;
let work: string;
let dataDir: string;
let pgUrl: string | undefined;
let pgDb: string | undefined;

function cli(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, ...(opts.cwd ? { cwd: opts.cwd } : {}), env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-scan-'));
  dataDir = join(work, 'db');
  const imp = cli(['db', 'import', join(TD, 'GHSA-c2qf-rxjj-qqgw.json'), join(TD, 'PYSEC-2023-74.yaml'), join(TD, 'debian-tracker.json'), '--data-dir', dataDir, '-q']);
  expect(imp.stderr).toBe('');
  expect(imp.status).toBe(0);
  // The machine's PostgreSQL, in a database of our own (skipped only when no server answers).
  pgDb = `portcullis_test_${process.pid}`;
  const made = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `create database ${pgDb}`], { encoding: 'utf8' });
  if (made.status === 0) pgUrl = `postgres://postgres@127.0.0.1:5432/${pgDb}`;
}, 900_000);

afterAll(() => {
  if (pgUrl) spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `drop database if exists ${pgDb} with (force)`]);
  rmSync(work, { recursive: true, force: true });
});

describe('scan image against imported advisories', () => {
  it('reports the open Debian issue of tar, nothing for the patched glibc', () => {
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.vulnerabilities.map((v: { id: string; packageName: string }) => `${v.packageName} ${v.id}`)).toEqual(['tar CVE-2005-2541']);
    expect(doc.vulnerabilities[0]).toMatchObject({ state: 'unfixed', fixedVersions: [], severity: { severity: 'LOW', source: 'debian' } });
  });

  it('filters: --ignore-unfixed, --severity, ignore file; --exit-code only when something is reported', () => {
    const base = ['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--format', 'json', '-q'];
    expect(JSON.parse(cli([...base, '--ignore-unfixed']).stdout).vulnerabilities).toEqual([]);
    const high = cli([...base, '--severity', 'HIGH,CRITICAL', '--exit-code', '5']);
    expect(high.status).toBe(0);
    expect(JSON.parse(high.stdout).vulnerabilities).toEqual([]);
    expect(cli([...base, '--exit-code', '5']).status).toBe(5);
    const ign = join(work, 'ignore');
    writeFileSync(ign, '# accepted\nCVE-2005-2541 exp:2999-01-01 path:/var/lib/dpkg/**\n');
    expect(JSON.parse(cli([...base, '--ignorefile', ign]).stdout).vulnerabilities).toEqual([]);
    writeFileSync(ign, 'CVE-2005-2541 exp:2000-01-01\n');
    expect(JSON.parse(cli([...base, '--ignorefile', ign]).stdout).vulnerabilities).toHaveLength(1);
  });

  it('table and SARIF outputs', () => {
    const t = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '-q']);
    expect(t.stdout).toMatch(/^tar\s+CVE-2005-2541\s+LOW\s+1\.34/m);
    expect(t.stdout).toMatch(/^Total: 1 \(CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 1, UNKNOWN: 0\)$/m);
    const s = JSON.parse(cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '-q', '--format', 'sarif']).stdout);
    expect(s.version).toBe('2.1.0');
    expect(s.runs[0].results[0]).toMatchObject({ ruleId: 'CVE-2005-2541', level: 'note', locations: [{ physicalLocation: { artifactLocation: { uri: 'var/lib/dpkg/status' } } }] });
  });

  it('scan sbom re-scans our own CycloneDX output with the same result, and refuses invalid SBOMs', () => {
    const sbom = join(work, 'app.cdx.json');
    expect(cli(['sbom', `oci:${fx.ociLayout}:app`, '-f', 'cyclonedx', '-o', sbom, '-q']).status).toBe(0);
    const r = cli(['scan', 'sbom', sbom, '--data-dir', dataDir, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).vulnerabilities.map((v: { id: string }) => v.id)).toEqual(['CVE-2005-2541']);
    const bad = join(work, 'bad.cdx.json');
    writeFileSync(bad, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'gadget', name: 'x' }] }));
    const b = cli(['scan', 'sbom', bad, '--data-dir', dataDir]);
    expect(b).toFailWith('SBOM_INVALID', { naming: bad });
  });

  it('scan fs finds a vulnerable npm lockfile dependency (alias merged, fixed version shown)', () => {
    const proj = join(work, 'proj');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package-lock.json'), JSON.stringify({ name: 'p', lockfileVersion: 3, packages: { '': { name: 'p' }, 'node_modules/semver': { version: '7.5.1' } } }));
    const r = cli(['scan', 'fs', proj, '--data-dir', dataDir, '--format', 'json', '-q']);
    const v = JSON.parse(r.stdout).vulnerabilities;
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ id: 'CVE-2022-25883', aliases: ['GHSA-c2qf-rxjj-qqgw'], fixedVersions: ['7.5.2'], severity: { severity: 'MEDIUM', source: 'cvss:3.1', score: 5.3 } });
  });
});

describe('PostgreSQL backend', () => {
  it('imports and scans the same way on the machine’s PostgreSQL', (ctx) => {
    if (!pgUrl) ctx.skip();
    expect(cli(['db', 'import', join(TD, 'debian-tracker.json'), '--database-url', pgUrl!, '-q']).status).toBe(0);
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--database-url', pgUrl!, '--format', 'json', '-q']);
    expect(JSON.parse(r.stdout).vulnerabilities.map((v: { id: string }) => v.id)).toEqual(['CVE-2005-2541']);
    const st = JSON.parse(cli(['db', 'status', '--database-url', pgUrl!, '--format', 'json']).stdout);
    expect(st.database.kind).toBe('postgres');
    expect(st.sources.map((s: { id: string }) => s.id)).toEqual(['debian-tracker']);
  });
});

describe('interrupted import', () => {
  it('kill -9 during an import leaves the previous data intact', async () => {
    const small = join(work, 'osv-small');
    const big = join(work, 'osv-big');
    mkdirSync(small);
    mkdirSync(big);
    const rec = (i: number, v: string) => JSON.stringify({ id: `TEST-${i}`, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `pkg-${i}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: v }] }] }] });
    for (let i = 0; i < 200; i++) writeFileSync(join(small, `TEST-${i}.json`), rec(i, '1.0.0'));
    for (let i = 0; i < 60_000; i++) writeFileSync(join(big, `TEST-${i}.json`), rec(i, '2.0.0'));
    // Time a complete import of the big set, then kill the real one part-way through it:
    // past parsing, inside the writing transaction. The source id comes from the directory name, so
    // the big set is copied under the small one's name to replace the same source.
    const t0 = Date.now();
    expect(cli(['db', 'import', big, '--data-dir', join(work, 'scratchdb'), '-q']).status).toBe(0);
    const full = Date.now() - t0;
    let killed = 0;
    // (The import ends by writing the advisory index after its commit: the transaction is over sooner than 75 %.)
    for (const fraction of [0.6, 0.45, 0.3, 0.2]) {
      const db = join(work, `killdb-${fraction}`);
      const src = join(work, `try-${fraction}`, 'advisories');
      mkdirSync(src, { recursive: true });
      for (let i = 0; i < 200; i++) writeFileSync(join(src, `TEST-${i}.json`), rec(i, '1.0.0'));
      expect(cli(['db', 'import', src, '--data-dir', db, '-q']).status).toBe(0);
      rmSync(src, { recursive: true });
      spawnSync('cp', ['-r', big, src]);
      const child = spawn(process.execPath, [CLI, 'db', 'import', src, '--data-dir', db, '-q'], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), Math.round(full * fraction)))]);
      if (done) continue; // finished before the kill: try earlier
      child.kill('SIGKILL');
      await exited;
      const st = JSON.parse(cli(['db', 'status', '--data-dir', db, '--format', 'json']).stdout);
      expect(st.sources).toHaveLength(1);
      // Killed after the commit (while the advisory index was written): all new, never a mixture; try earlier.
      if (st.sources[0].records === 60_000) continue;
      killed++;
      expect(st.sources[0].records).toBe(200);
      const proj = join(work, `proj-${fraction}`);
      mkdirSync(proj);
      writeFileSync(join(proj, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/pkg-5': { version: '0.5.0' }, 'node_modules/pkg-500': { version: '1.5.0' } } }));
      const v = JSON.parse(cli(['scan', 'fs', proj, '--data-dir', db, '--format', 'json', '-q']).stdout).vulnerabilities;
      expect(v.map((x: { id: string }) => x.id)).toEqual(['TEST-5']);
      break;
    }
    expect(killed).toBe(1);
  }, 600_000);
});
