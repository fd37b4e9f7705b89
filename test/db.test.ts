/**
 * `db export`, `db update [--from]` and URL sources: an export carried to another store gives the
 * same data; damaged exports and wrong checksums are refused with the previous data intact; a URL
 * download cut off half-way resumes with a Range request; `--offline` forbids the network.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let work: string;

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'xdg-cache') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function status(dataDir: string): Promise<{ id: string; records: number; malformed: number }[]> {
  const r = await cli(['db', 'status', '--format', 'json', '--data-dir', dataDir]);
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout).sources as { id: string; records: number; malformed: number }[]).map(({ id, records, malformed }) => ({ id, records, malformed }));
}

const SOURCES = ['GHSA-c2qf-rxjj-qqgw.json', 'PYSEC-2023-74.yaml', 'debian-tracker.json'].map((f) => join(TD, f));
const EXPECTED = [
  { id: 'debian-tracker', records: 4, malformed: 1 },
  { id: 'osv:GHSA-c2qf-rxjj-qqgw.json', records: 1, malformed: 0 },
  { id: 'osv:PYSEC-2023-74.yaml', records: 1, malformed: 0 },
];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-db-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('db export → db update --from', () => {
  let exportFile: string;
  beforeAll(async () => {
    const imp = await cli(['db', 'import', ...SOURCES, '--data-dir', join(work, 'a'), '-q']);
    expect(imp.status).toBe(0);
    exportFile = join(work, 'advisories.jsonl.gz');
    const exp = await cli(['db', 'export', exportFile, '--data-dir', join(work, 'a')]);
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toMatch(/3 sources, 2 OSV records, 4 OS advisories/);
  }, 120_000);

  it('carries every source to another store, and the same OSV record comes back byte-equal', async () => {
    const upd = await cli(['db', 'update', '--from', exportFile, '--data-dir', join(work, 'b'), '--offline']);
    expect(upd.status).toBe(0);
    expect(await status(join(work, 'b'))).toEqual(EXPECTED);
    const again = join(work, 'again.jsonl.gz');
    expect((await cli(['db', 'export', again, '--data-dir', join(work, 'b')])).status).toBe(0);
    const lines = (f: string) => readGz(f).trim().split('\n').slice(1, -1).map((l) => JSON.parse(l) as unknown);
    expect(lines(again)).toEqual(lines(exportFile));
  }, 120_000);

  it('update --from mirrors the export: a source the export lacks is removed', async () => {
    const dir = join(work, 'c');
    expect((await cli(['db', 'import', join(TD, 'debian-tracker.json'), '--data-dir', dir, '-q'])).status).toBe(0);
    const single = join(work, 'single.jsonl.gz');
    expect((await cli(['db', 'export', single, '--data-dir', dir])).status).toBe(0);
    expect((await cli(['db', 'import', ...SOURCES.slice(0, 2), '--data-dir', dir, '-q'])).status).toBe(0);
    expect((await status(dir)).map((s) => s.id)).toHaveLength(3);
    expect((await cli(['db', 'update', '--from', single, '--data-dir', dir])).status).toBe(0);
    expect((await status(dir)).map((s) => s.id)).toEqual(['debian-tracker']);
  }, 120_000);

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['a record altered (re-compressed, so gzip is valid)', (b: Buffer) => gzipSync(readGzBuf(b).toString('utf8').replace('CVE-2005-2541', 'CVE-2005-2542'))],
    ['the trailer removed', (b: Buffer) => gzipSync(readGzBuf(b).toString('utf8').trim().split('\n').slice(0, -1).join('\n') + '\n')],
  ])('%s: the export is refused and the store keeps its data', async (_what, damage) => {
    const bad = join(work, `bad-${Math.random().toString(36).slice(2)}.gz`);
    writeFileSync(bad, damage(readFileSync(exportFile)));
    const dir = join(work, 'a');
    const r = await cli(['db', 'update', '--from', bad, '--data-dir', dir]);
    expect(r).toFailWith('ADVISORY_SOURCE_INVALID', { naming: `"${bad}"` });
    expect(await status(dir)).toEqual(EXPECTED);
  }, 120_000);

  it('update --from refuses something that is not an export', async () => {
    const r = await cli(['db', 'update', '--from', SOURCES[0]!, '--data-dir', join(work, 'a')]);
    expect(r).toFailWith('ADVISORY_SOURCE_INVALID', { naming: `"${SOURCES[0]!}"` });
  });

  it('db update without --from re-imports every source from where it came; a missing one is reported and kept', async () => {
    const dir = join(work, 'd');
    const moved = join(work, 'tracker-copy.json');
    copyFileSync(join(TD, 'debian-tracker.json'), moved);
    expect((await cli(['db', 'import', moved, SOURCES[0]!, '--data-dir', dir, '-q'])).status).toBe(0);
    const ok = await cli(['db', 'update', '--data-dir', dir, '-q']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/debian-tracker: 4 records imported/);
    rmSync(moved);
    const r = await cli(['db', 'update', '--data-dir', dir, '-q']);
    expect(r).toFailWith('DB_UPDATE_FAILED', { naming: 'debian-tracker' });
    expect(r.stderr).toMatch(/debian-tracker not refreshed \(kept as it was\): \[FILE_NOT_FOUND\]/);
    expect((await status(dir)).map((s) => s.id)).toEqual(['debian-tracker', 'osv:GHSA-c2qf-rxjj-qqgw.json']);
  }, 120_000);

  it('a gzip-compressed single source (e.g. tracker JSON .gz) imports as that source', async () => {
    const gz = join(work, 'tracker.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(TD, 'debian-tracker.json'))));
    const dir = join(work, 'e');
    expect((await cli(['db', 'import', gz, '--data-dir', dir, '-q'])).status).toBe(0);
    expect(await status(dir)).toEqual([EXPECTED[0]]);
  }, 60_000);
});

function readGzBuf(b: Buffer): Buffer {
  return gunzipSync(b);
}
function readGz(f: string): string {
  return readGzBuf(readFileSync(f)).toString('utf8');
}

describe('URL sources', () => {
  let server: Server;
  let base: string;
  const body = readFileSync(join(TD, 'GHSA-c2qf-rxjj-qqgw.json'));
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
  const seen: { path: string; range?: string; ifRange?: string }[] = [];
  let cutFirst = true;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}) });
      if (req.url === '/missing.json') {
        res.writeHead(404).end();
        return;
      }
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m && req.headers['if-range'] === etag) {
        const from = Number(m[1]);
        res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}`, etag });
        res.end(body.subarray(from));
        return;
      }
      res.writeHead(200, { 'content-length': body.length, etag });
      if (req.url === '/flaky.json' && cutFirst) {
        cutFirst = false;
        // Half the body, then the connection drops.
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 50));
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a download cut off half-way fails cleanly, then resumes with a Range request and imports', async () => {
    const dir = join(work, 'u1');
    const first = await cli(['db', 'import', `${base}/flaky.json`, '--data-dir', dir]);
    expect(first).toFailWith('NETWORK_ERROR');
    expect(first.stderr).toMatch(/resumes/); // the hint says that running it again resumes
    expect(await status(dir)).toEqual([]);
    const second = await cli(['db', 'import', `${base}/flaky.json`, '--data-dir', dir, '-q']);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    const last = seen.filter((s) => s.path === '/flaky.json').at(-1)!;
    expect(last.range).toBe(`bytes=${Math.floor(body.length / 2)}-`);
    expect(last.ifRange).toBe(etag);
    const st = await cli(['db', 'status', '--format', 'json', '--data-dir', dir]);
    const src = JSON.parse(st.stdout).sources[0];
    expect(src).toMatchObject({ records: 1, location: `${base}/flaky.json` });
  }, 120_000);

  it('--sha256 is checked before anything is replaced', async () => {
    const dir = join(work, 'u2');
    const good = createHash('sha256').update(body).digest('hex');
    const bad = await cli(['db', 'import', `${base}/ok.json`, '--sha256', '0'.repeat(64), '--data-dir', dir]);
    expect(bad).toFailWith('DIGEST_MISMATCH');
    expect(await status(dir)).toEqual([]);
    expect((await cli(['db', 'import', `${base}/ok.json`, '--sha256', good, '--data-dir', dir, '-q'])).status).toBe(0);
  }, 120_000);

  it('HTTP errors and --offline are clear errors; --offline makes no request at all', async () => {
    const dir = join(work, 'u3');
    const nf = await cli(['db', 'import', `${base}/missing.json`, '--data-dir', dir]);
    expect(nf).toFailWith('NETWORK_ERROR', { naming: 'HTTP 404' });
    const before = seen.length;
    const off = await cli(['db', 'import', `${base}/ok.json`, '--offline', '--data-dir', dir]);
    expect(off).toFailWith('OFFLINE');
    const updOff = await cli(['db', 'update', '--from', `${base}/ok.json`, '--offline', '--data-dir', dir]);
    expect(updOff).toFailWith('OFFLINE');
    const scanOff = await cli(['scan', 'image', `docker://127.0.0.1:${new URL(base).port}/app:1`, '--offline', '--data-dir', dir]);
    expect(scanOff).toFailWith('OFFLINE');
    expect(seen.length).toBe(before);
  }, 120_000);
});
