/**
 * Default advisory feeds end to end. A local HTTP server (127.0.0.1) serves real feed files in
 * the mirror layout (`osv/<Ecosystem>/all.zip` built from real OSV records, `debian/tracker.json`,
 * `alpine/v<X.Y>/<repo>.json`); `db update --mirror` imports them all, a second run is answered
 * 304 and imports nothing, a changed feed is imported again, a dead server keeps the old data.
 * `scan` on an empty store is DB_EMPTY (exit 2) with the fix; partial coverage is named in the
 * JSON and table reports; stale data is warned about once.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateVulnReport } from '../src/report/validate.js';
import { DEFAULT_SOURCES } from '../src/vulndb/sources/defaults.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let work: string;
let fx: FixturePaths;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'xdg-cache'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

interface SourceRow {
  id: string;
  records: number;
  imported_at: string;
  checked_at: string | null;
  etag: string | null;
  last_modified: string | null;
  location: string;
  ageSeconds: number;
}

async function sources(dataDir: string): Promise<Map<string, SourceRow>> {
  const r = await cli(['db', 'status', '--format', 'json', '--data-dir', dataDir]);
  expect(r.status).toBe(0);
  return new Map((JSON.parse(r.stdout).sources as SourceRow[]).map((s) => [s.id, s]));
}

const json = (f: string) => readFileSync(join(TD, f));
/** An OSV export as OSV publishes it: one `<ID>.json` per record in a zip. */
function osvZip(records: Buffer[]): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (const r of records) files[`${(JSON.parse(r.toString('utf8')) as { id: string }).id}.json`] = r;
  return Buffer.from(zipSync(files));
}
const pysec = Buffer.from(JSON.stringify(parseYaml(readFileSync(join(TD, 'PYSEC-2023-74.yaml'), 'utf8'))));
const emptySecdb = (rel: string, repo: string) => Buffer.from(JSON.stringify({ apkurl: '{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk', archs: ['x86_64'], reponame: repo, urlprefix: 'https://dl-cdn.alpinelinux.org/alpine', distroversion: `v${rel}`, packages: [] }));

/** The mirror's files, by path. Feeds not in the fixtures are valid empty exports. */
function mirrorFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const s of DEFAULT_SOURCES) {
    if (s.kind === 'osv') files.set(`/${s.mirrorPath}`, osvZip([]));
    else if (s.kind === 'alpine-secdb') {
      const [, rel, repo] = s.id.split(':') as [string, string, string];
      files.set(`/${s.mirrorPath}`, rel === '3.16' && repo === 'main' ? json('alpine-secdb-v3.16-main.json') : emptySecdb(rel, repo));
    }
  }
  files.set('/osv/npm/all.zip', osvZip([json('GHSA-c2qf-rxjj-qqgw.json')]));
  files.set('/osv/PyPI/all.zip', osvZip([pysec]));
  files.set('/osv/Go/all.zip', osvZip([json('GO-2023-1878.json')]));
  files.set('/osv/Maven/all.zip', osvZip([json('GHSA-jfh8-c2jp-5v3q.json')]));
  files.set('/osv/Debian/all.zip', osvZip([json('DEBIAN-CVE-2005-2541.json')]));
  files.set('/debian/tracker.json', json('debian-tracker.json'));
  return files;
}

describe('db update from a mirror of the default feeds', () => {
  let server: Server;
  let base: string;
  let files: Map<string, Buffer>;
  const seen: { path: string; status: number; headers: IncomingHttpHeaders }[] = [];
  const modified = new Map<string, string>();
  let dataDir: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'portcullis-feeds-'));
    dataDir = join(work, 'db');
    files = mirrorFiles();
    server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
      const body = files.get(path);
      const done = (status: number, headers: Record<string, string | number> = {}, data?: Buffer) => {
        seen.push({ path, status, headers: req.headers });
        res.writeHead(status, headers).end(data);
      };
      if (!body) return done(404);
      // The tracker is served like many web servers do: Last-Modified only, no ETag.
      const etag = path.endsWith('/debian/tracker.json') ? undefined : `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`;
      const lm = modified.get(path) ?? 'Tue, 01 Dec 2026 10:00:00 GMT';
      const validators: Record<string, string> = { 'last-modified': lm, ...(etag ? { etag } : {}) };
      const inm = req.headers['if-none-match'];
      if ((etag && inm === etag) || (!inm && req.headers['if-modified-since'] === lm)) return done(304, validators);
      done(200, { ...validators, 'content-length': body.length, 'content-type': 'application/octet-stream' }, body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror-root`;
    // Serve the same tree under a path prefix, as an internal mirror usually is.
    const files0 = files;
    files = new Map([...files0].map(([p, b]) => [`/mirror-root${p}`, b]));
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(work, { recursive: true, force: true });
  });

  it('a fresh store fetches every default feed from the mirror and imports it', async () => {
    const r = await cli(['db', 'update', '--mirror', base, '--data-dir', dataDir]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    // Piped: no progress bar, nothing on stderr.
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^osv:npm: 1 records imported$/m);
    expect(r.stdout).toMatch(/^debian-tracker: 4 records imported, 1 malformed skipped$/m);
    const got = await sources(dataDir);
    expect([...got.keys()].sort()).toEqual(DEFAULT_SOURCES.map((s) => s.id).sort());
    expect(got.get('osv:npm')).toMatchObject({ records: 1, location: `${base}/osv/npm/all.zip` });
    expect(got.get('osv:PyPI')!.records).toBe(1);
    expect(got.get('osv:Maven')!.records).toBe(1);
    expect(got.get('osv:NuGet')!.records).toBe(0);
    expect(got.get('alpine-secdb:3.16:main')!.records).toBeGreaterThan(5);
    expect(got.get('osv:npm')!.etag).toMatch(/^"[0-9a-f]{20}"$/);
    expect(got.get('debian-tracker')).toMatchObject({ etag: null, last_modified: 'Tue, 01 Dec 2026 10:00:00 GMT' });
    // One GET per feed, none conditional.
    expect(seen).toHaveLength(DEFAULT_SOURCES.length);
    expect(seen.every((s) => s.status === 200 && !s.headers['if-none-match'] && !s.headers['if-modified-since'])).toBe(true);
  }, 300_000);

  it('a second run sends conditional requests, is answered 304 and imports nothing again', async () => {
    const before = await sources(dataDir);
    seen.length = 0;
    // The mirror from the environment this time.
    const r = await cli(['db', 'update', '--data-dir', dataDir], { PORTCULLIS_DB_MIRROR: base });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^osv:npm: not modified since the last update, 1 records kept$/m);
    expect(r.stdout).not.toMatch(/records imported/);
    expect(seen).toHaveLength(DEFAULT_SOURCES.length);
    expect(seen.every((s) => s.status === 304)).toBe(true);
    expect(seen.find((s) => s.path.endsWith('/osv/npm/all.zip'))!.headers['if-none-match']).toBe(before.get('osv:npm')!.etag);
    expect(seen.find((s) => s.path.endsWith('/debian/tracker.json'))!.headers['if-modified-since']).toBe('Tue, 01 Dec 2026 10:00:00 GMT');
    const after = await sources(dataDir);
    for (const [id, row] of before) {
      expect(after.get(id)!.imported_at).toBe(row.imported_at);
      expect(after.get(id)!.records).toBe(row.records);
      expect(new Date(after.get(id)!.checked_at!).getTime()).toBeGreaterThan(new Date(row.checked_at!).getTime());
    }
    const table = await cli(['db', 'status', '--data-dir', dataDir]);
    expect(table.stdout).toMatch(/^osv:npm\s+1 records\s+age \d+ s \(imported \d+ s ago, last checked \d+ s ago\) from http/m);
  }, 300_000);

  it('a changed feed is downloaded and imported again; the unchanged ones are not', async () => {
    const before = await sources(dataDir);
    files.set('/mirror-root/osv/Debian/all.zip', osvZip([json('DEBIAN-CVE-2005-2541.json'), json('DSA-5514-1.json')]));
    modified.set('/mirror-root/debian/tracker.json', 'Wed, 02 Dec 2026 10:00:00 GMT');
    seen.length = 0;
    const r = await cli(['db', 'update', '--mirror', base, '--data-dir', dataDir, '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^osv:Debian: 2 records imported$/m);
    expect(r.stdout).toMatch(/^debian-tracker: 4 records imported/m);
    expect(seen.filter((s) => s.status === 200).map((s) => s.path).sort()).toEqual(['/mirror-root/debian/tracker.json', '/mirror-root/osv/Debian/all.zip']);
    const after = await sources(dataDir);
    expect(after.get('osv:Debian')!.records).toBe(2);
    expect(after.get('osv:Debian')!.imported_at).not.toBe(before.get('osv:Debian')!.imported_at);
    expect(after.get('osv:Debian')!.etag).not.toBe(before.get('osv:Debian')!.etag);
    expect(after.get('debian-tracker')!.last_modified).toBe('Wed, 02 Dec 2026 10:00:00 GMT');
    expect(after.get('osv:npm')!.imported_at).toBe(before.get('osv:npm')!.imported_at);
  }, 300_000);

  it('the imported feeds cover the fixture image: nothing uncovered, the tar issue found', async () => {
    fx = await ensureFixtures();
    const r = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validateVulnReport(doc).errors).toEqual([]);
    expect(doc.coverage.uncovered).toEqual([]);
    expect(doc.coverage.checked.map((e: { ecosystem: string }) => e.ecosystem)).toEqual(['debian', 'Go', 'npm']);
    expect(doc.vulnerabilities.map((v: { id: string }) => v.id)).toContain('CVE-2005-2541');
  }, 900_000);

  it('a mirror that is down: a clear error code per feed and overall, the old data kept', async () => {
    const before = await sources(dataDir);
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const r = await cli(['db', 'update', '--mirror', `http://127.0.0.1:${port}/x`, '--data-dir', dataDir, '-q']);
    expect(r).toFailWith('DB_UPDATE_FAILED');
    expect(r.stderr).toMatch(/^warning: osv:npm not refreshed \(kept as it was\): \[NETWORK_ERROR\]/m);
    expect(r.stderr).toMatch(/previous data is still in place/);
    const after = await sources(dataDir);
    expect([...after.values()].map((s) => [s.id, s.records, s.imported_at])).toEqual([...before.values()].map((s) => [s.id, s.records, s.imported_at]));
    // A fresh store and a dead mirror: nothing imported, the same clear error.
    const fresh = await cli(['db', 'update', '--mirror', `http://127.0.0.1:${port}`, '--data-dir', join(work, 'fresh'), '-q']);
    expect(fresh).toFailWith('DB_UPDATE_FAILED');
    expect((await sources(join(work, 'fresh'))).size).toBe(0);
  }, 300_000);

  it('refuses a mirror that is not an http(s) URL, and --offline with only network sources', async () => {
    const bad = await cli(['db', 'update', '--mirror', 'ftp://x', '--data-dir', join(work, 'bad')]);
    expect(bad).toFailWith('USAGE', { naming: '"ftp://x"' });
    const off = await cli(['db', 'update', '--offline', '--data-dir', join(work, 'bad')]);
    expect(off).toFailWith('OFFLINE');
  }, 60_000);
});

describe('scan and advisory coverage', () => {
  let dataDir: string;

  beforeAll(async () => {
    fx = await ensureFixtures();
    work ??= mkdtempSync(join(tmpdir(), 'portcullis-feeds-'));
    dataDir = join(work, 'partial');
    const imp = await cli(['db', 'import', join(TD, 'debian-tracker.json'), '--data-dir', dataDir, '-q']);
    expect(imp.status).toBe(0);
  }, 900_000);

  it('an empty store is DB_EMPTY (exit 2) naming the fix, not "Total: 0"', async () => {
    const r = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', join(work, 'empty')]);
    expect(r).toFailWith('DB_EMPTY', { naming: ['Go (3 packages)', 'portcullis db update'] });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[DB_EMPTY\]: The advisory database is empty: nothing in rootfs:\S+ could be checked \(debian bookworm \(\d+ packages\), Go \(3 packages\), npm \(\d+ packages\)\)/m);
    expect(r.stderr).toMatch(/^hint: Run `portcullis db update`/m);
    expect(r.stderr).toMatch(/--allow-empty-db/);
    const j = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', join(work, 'empty'), '--format', 'json', '-q']);
    expect(j).toFailWith('DB_EMPTY');
  }, 300_000);

  it('--allow-empty-db scans and says that nothing was checked', async () => {
    const r = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', join(work, 'empty'), '--allow-empty-db']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Total: 0 \(/m);
    expect(r.stdout).toMatch(/^Not checked: debian bookworm \(\d+ packages\), Go \(3 packages\), npm \(\d+ packages\) \(no advisory data\)$/m);
    expect(r.stderr).toMatch(/^warning: No advisory data for npm: its \d+ packages were not checked/m);
    const j = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', join(work, 'empty'), '--allow-empty-db', '--format', 'json', '-q']);
    const doc = JSON.parse(j.stdout);
    expect(validateVulnReport(doc).errors).toEqual([]);
    expect(doc.coverage.checked).toEqual([]);
    expect(doc.coverage.uncovered.map((e: { ecosystem: string; reason: string }) => `${e.ecosystem}:${e.reason}`)).toEqual(['debian:no-data', 'Go:no-data', 'npm:no-data']);
  }, 300_000);

  it('secrets-only scans never look at the advisory data', async () => {
    const r = await cli(['scan', 'rootfs', fx.rootfsApp, '--scanners', 'secret', '--data-dir', join(work, 'empty'), '-q']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  }, 300_000);

  it('partial coverage (Debian data only) is named in the JSON and under the table summary', async () => {
    const j = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(j.status).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(validateVulnReport(doc).errors).toEqual([]);
    expect(doc.coverage.checked).toEqual([{ ecosystem: 'debian', release: 'bookworm', packages: expect.any(Number) }]);
    expect(doc.coverage.uncovered).toEqual([
      { ecosystem: 'Go', packages: 3, reason: 'no-data' },
      { ecosystem: 'npm', packages: expect.any(Number), reason: 'no-data' },
    ]);
    expect(doc.notes).toContain('No advisory data for Go: its 3 packages were not checked (this is not "0 vulnerabilities").');
    const t = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir]);
    expect(t.status).toBe(0);
    const lines = t.stdout.trim().split('\n');
    const total = lines.findIndex((l) => l.startsWith('Total: '));
    expect(lines[total + 1]).toMatch(/^Not checked: Go \(3 packages\), npm \(\d+ packages\) \(no advisory data\)$/);
    expect(t.stderr).toMatch(/^warning: No advisory data for Go/m);
  }, 300_000);

  it('warns once when the data is older than --db-max-age / PORTCULLIS_DB_MAX_AGE; silent when fresh or --quiet', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const fresh = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json']);
    expect(fresh.stderr).toMatch(/No advisory data for Go/);
    expect(fresh.stderr).not.toMatch(/older than/);
    const stale = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json', '--db-max-age', '0.00001']);
    expect(stale.status).toBe(0);
    const warnings = stale.stderr.split('\n').filter((l) => /older than/.test(l));
    expect(warnings).toEqual([expect.stringMatching(/^warning: advisory data is older than 0\.00001 days: debian-tracker was last updated \d+ s ago; run `portcullis db update`/)]);
    const env = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json'], { PORTCULLIS_DB_MAX_AGE: '0.00001' });
    expect(env.stderr).toMatch(/older than/);
    const quiet = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--format', 'json', '--db-max-age', '0.00001', '-q']);
    expect(quiet.stderr).toBe('');
    const bad = await cli(['scan', 'rootfs', fx.rootfsApp, '--data-dir', dataDir, '--db-max-age', 'soon']);
    expect(bad).toFailWith('USAGE', { naming: ['--db-max-age', '"soon"'] });
  }, 300_000);
});
