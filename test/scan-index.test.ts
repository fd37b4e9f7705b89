/**
 * Scans on the embedded store read the advisory index written by `db import`, not the database:
 * the same JSON reports as the database path (PORTCULLIS_ADVISORY_INDEX=0) on the real fixture
 * image and rootfs, with the repository's advisory test data and with advisory data made for the
 * rootfs's own packages; a scan works with the database unable to start; a data directory without
 * an index (from before it), with an abandoned import, a foreign index or an index that cannot be
 * written; and imports rewriting the index while scans run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRootfsAdvisories } from './support/advisory-data.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
const REPO_DATA = readdirSync(TD)
  .filter((n) => /\.(json|yaml)$/.test(n))
  .map((n) => join(TD, n));
let fx: FixturePaths;
let work: string;
let repoDb: string;
let richDb: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A JSON report without its creation time (the only field that differs between two runs). */
function report(stdout: string): string {
  const r = JSON.parse(stdout) as Record<string, unknown>;
  delete r.createdAt;
  return JSON.stringify(r, null, 1);
}

function scanJson(target: string[], dataDir: string, env: Record<string, string> = {}) {
  const r = cli(['scan', ...target, '--data-dir', dataDir, '--format', 'json', '-q'], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return report(r.stdout);
}

const viaDb = { PORTCULLIS_ADVISORY_INDEX: '0' };

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-scan-index-'));
  repoDb = join(work, 'repo-db');
  richDb = join(work, 'rich-db');
  expect(cli(['db', 'import', ...REPO_DATA, '--data-dir', repoDb, '-q']).status).toBe(0);
  mkdirSync(join(work, 'rich'));
  const files = writeRootfsAdvisories(fx.rootfsApp, join(work, 'rich'));
  const imp = cli(['db', 'import', ...files, ...REPO_DATA.filter((f) => !f.endsWith('debian-tracker.json')), '--data-dir', richDb, '-q']);
  expect(imp.stderr).toBe('');
  expect(imp.status).toBe(0);
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('index and database give the same reports', () => {
  it.each([
    ['rootfs, repository test data', () => ['rootfs', fx.rootfsApp], () => repoDb, 2],
    ['rootfs, data for its own packages', () => ['rootfs', fx.rootfsApp], () => richDb, 40],
    ['image, data for its own packages', () => ['image', `oci:${fx.ociLayout}:${fx.ociTag}`], () => richDb, 40],
  ])('%s', (_name, target, db, atLeast) => {
    expect(readdirSync(db())).toContain('advisories.idx');
    const viaIndex = scanJson(target(), db());
    expect(scanJson(target(), db(), viaDb)).toBe(viaIndex);
    expect((JSON.parse(viaIndex) as { vulnerabilities: unknown[] }).vulnerabilities.length).toBeGreaterThanOrEqual(atLeast);
  }, 300_000);

  it('diff matches vulnerabilities through the index too', () => {
    const args = ['diff', `oci:${fx.ociLayout}:${fx.ociTag}`, `rootfs:${fx.rootfsApp}`, '--data-dir', richDb, '--format', 'json', '-q'];
    const a = cli(args);
    const b = cli(args, viaDb);
    expect(a.status).toBe(0);
    expect(report(a.stdout)).toBe(report(b.stdout));
  }, 300_000);
});

describe('the read path does not start the database', () => {
  it('scans with a database that cannot start, from the index alone', () => {
    const dir = join(work, 'broken-db');
    cpSync(richDb, dir, { recursive: true });
    const expected = scanJson(['rootfs', fx.rootfsApp], dir);
    writeFileSync(join(dir, 'PG_VERSION'), '9\n'); // PostgreSQL refuses to start on this
    expect(scanJson(['rootfs', fx.rootfsApp], dir)).toBe(expected);
    expect(cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json', '-q'], viaDb).status).not.toBe(0);
  }, 300_000);
});

describe('when the index cannot be used as it is', () => {
  const fresh = (name: string) => {
    const dir = join(work, name);
    cpSync(richDb, dir, { recursive: true });
    return dir;
  };
  let expected: string;
  beforeAll(() => {
    expected = scanJson(['rootfs', fx.rootfsApp], richDb);
  }, 300_000);

  it('a data directory from before the index: the first scan builds it, says so once', () => {
    const dir = fresh('old-db');
    rmSync(join(dir, 'advisories.idx'));
    const first = cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json']);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^note: built the advisory index of ".*old-db" \(once; later scans read it without starting the database\)$/m);
    expect(report(first.stdout)).toBe(expected);
    expect(readdirSync(dir)).toContain('advisories.idx');
    const second = cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json']);
    expect(second.stderr).not.toMatch(/advisory index/);
    expect(report(second.stdout)).toBe(expected);
  }, 300_000);

  it('an import that died before updating the index: the next scan rebuilds it', () => {
    const dir = join(work, 'abandoned-db');
    cpSync(repoDb, dir, { recursive: true });
    const older = join(work, 'older.idx');
    cpSync(join(dir, 'advisories.idx'), older);
    expect(cli(['db', 'import', ...readdirSync(join(work, 'rich')).map((f) => join(work, 'rich', f)), '--data-dir', dir, '-q']).status).toBe(0);
    const now = scanJson(['rootfs', fx.rootfsApp], dir, viaDb);
    // As after a crash between the import's commit and its index: the older index and the marker.
    cpSync(older, join(dir, 'advisories.idx'), { force: true });
    writeFileSync(join(dir, 'advisories.idx.pending-999999999'), JSON.stringify({ pid: 999999999, host: hostname() }));
    const r = cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json']);
    expect(r.stderr).toMatch(/note: rebuilt the advisory index: an advisory import ended without updating the index/);
    expect(report(r.stdout)).toBe(now);
    expect(report(r.stdout)).not.toBe(scanJson(['rootfs', fx.rootfsApp], repoDb));
    expect(readdirSync(dir).filter((n) => n.includes('pending'))).toEqual([]);
  }, 300_000);

  it("another data directory's index is not used", () => {
    const dir = fresh('foreign-db');
    cpSync(join(repoDb, 'advisories.idx'), join(dir, 'advisories.idx'), { force: true });
    const r = cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json']);
    expect(r.stderr).toMatch(/note: rebuilt the advisory index: advisory index ".*" belongs to another store/);
    expect(report(r.stdout)).toBe(expected);
  }, 300_000);

  it('an index that cannot be written: the scan queries the database and says so in one line', () => {
    const dir = fresh('unwritable-db');
    rmSync(join(dir, 'advisories.idx'));
    mkdirSync(join(dir, 'advisories.idx', 'x'), { recursive: true }); // a directory where the file goes
    const r = cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json']);
    expect(r.status).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => l.includes('advisory index'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^note: advisory index not usable and not writable .*: matching from the database, which is slower$/);
    expect(report(r.stdout)).toBe(expected);
  }, 300_000);

  it('db update --from an export writes the index too', () => {
    const dir = join(work, 'from-export-db');
    const exp = join(work, 'rich.jsonl.gz');
    expect(cli(['db', 'export', exp, '--data-dir', richDb, '-q']).status).toBe(0);
    expect(cli(['db', 'import', REPO_DATA[0]!, '--data-dir', dir, '-q']).status).toBe(0);
    expect(cli(['db', 'update', '--from', exp, '--data-dir', dir, '-q']).status).toBe(0);
    writeFileSync(join(dir, 'PG_VERSION'), '9\n'); // answered by the index alone
    expect(scanJson(['rootfs', fx.rootfsApp], dir)).toBe(expected);
  }, 300_000);

  it('db status says whether the index is current', () => {
    const s = JSON.parse(cli(['db', 'status', '--data-dir', richDb, '--format', 'json']).stdout) as { index: { state: string } };
    expect(s.index.state).toBe('current');
    expect(cli(['db', 'status', '--data-dir', richDb]).stdout).toMatch(/^advisory index: .*advisories\.idx \(current\)$/m);
  }, 120_000);
});

describe('imports rewriting the index while scans read it', () => {
  it('every scan sees the data before or after an import, never a torn index', async () => {
    const dir = join(work, 'busy-db');
    cpSync(repoDb, dir, { recursive: true });
    const extra = join(work, 'extra.json');
    const version = (v: 1 | 2) =>
      writeFileSync(
        extra,
        JSON.stringify({ id: 'TEST-EXTRA-1', modified: '2099-01-01T00:00:00Z', aliases: [`CVE-2099-99${v}`], summary: `extra ${v}`, affected: [{ package: { ecosystem: 'Debian:12', name: v === 1 ? 'tar' : 'bash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
      );
    const reports: string[] = [];
    for (const v of [1, 2] as const) {
      version(v);
      expect(cli(['db', 'import', extra, '--data-dir', dir, '-q']).status).toBe(0);
      reports.push(scanJson(['rootfs', fx.rootfsApp], dir));
    }
    expect(reports[0]).not.toBe(reports[1]);
    let importing = true;
    const imports = (async () => {
      for (let i = 0; i < 6; i++) {
        version(i % 2 ? 2 : 1);
        const r = await cliAsync(['db', 'import', extra, '--data-dir', dir, '-q']);
        expect(r.status).toBe(0);
      }
      importing = false;
    })();
    let scans = 0;
    while (importing) {
      const r = await cliAsync(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dir, '--format', 'json', '-q']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(reports).toContain(report(r.stdout));
      scans++;
    }
    await imports;
    expect(scans).toBeGreaterThan(1);
    expect(scanJson(['rootfs', fx.rootfsApp], dir)).toBe(reports[1]);
  }, 900_000);
});
