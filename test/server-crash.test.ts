/**
 * The server killed with SIGKILL while 10 batchCreates of 1000 occurrences each are being
 * written, on the embedded database and on PostgreSQL: after a restart on the same data, every
 * batch is all or nothing (its occurrences carry a per-batch marker in their resourceUri), every
 * batch that was answered 200 is there, the audit chain verifies, and it holds exactly one entry
 * per committed batch, naming that batch's occurrences.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../src/metadata/_testing.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const BATCHES = 10;
const PER = 1000;
const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function startServer(
  store: string[],
): Promise<{ proc: ChildProcess; url: string; exited: Promise<unknown> }> {
  const proc = spawn(
    process.execPath,
    [
      CLI,
      'server',
      '--listen',
      '127.0.0.1:0',
      '--insecure-http',
      '--rate-limit',
      '0',
      '--max-body-size',
      String(64 << 20),
      ...store,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(proc);
  const exited = new Promise((r) => proc.on('exit', r));
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      err += d;
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url) resolve({ proc, url, exited });
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

function send(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(data
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : {} }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const marker = (b: number) => `https://crash.example/batch-${b}/`;

async function crashRun(store: string[]) {
  const made = cli(['server', 'token', 'create', '--project', 'crash', '--role', 'writer', ...store]);
  expect(made.status).toBe(0);
  const token = made.stdout.trim().split('\n').pop()!;
  let s = await startServer(store);
  expect(
    (await send(s.url, 'POST', '/v1/projects/crash/notes?noteId=scan', token, { discovery: {} })).status,
  ).toBe(200);
  const body = (b: number) => ({
    occurrences: Array.from({ length: PER }, (_, i) => ({
      resourceUri: `${marker(b)}${i}`,
      noteName: 'projects/crash/notes/scan',
      discovery: { analysisStatus: 'FINISHED_SUCCESS' },
    })),
  });
  const bodies = Array.from({ length: BATCHES }, (_, b) => body(b));
  const answered = new Map<number, string[]>();
  const failed: number[] = [];
  let killed = false;
  // All ten at once; SIGKILL as soon as the first is answered, while the others are mid-write.
  await Promise.all(
    bodies.map((bd, b) =>
      send(s.url, 'POST', '/v1/projects/crash/occurrences:batchCreate', token, bd).then(
        (r) => {
          expect(r.status).toBe(200);
          answered.set(
            b,
            r.json.occurrences.map((o: { name: string }) => o.name),
          );
          if (!killed) {
            killed = true;
            s.proc.kill('SIGKILL');
          }
        },
        () => failed.push(b),
      ),
    ),
  );
  await s.exited;
  expect(answered.size).toBeGreaterThanOrEqual(1);

  s = await startServer(store);
  const counts: number[] = [];
  const names = new Map<number, Set<string>>();
  for (let b = 0; b < BATCHES; b++) {
    const seen = new Set<string>();
    let pageToken = '';
    do {
      const r = await send(
        s.url,
        'GET',
        `/v1/projects/crash/occurrences?pageSize=1000&filter=${encodeURIComponent(`resourceUri:"${marker(b)}"`)}${pageToken ? `&pageToken=${pageToken}` : ''}`,
        token,
      );
      expect(r.status).toBe(200);
      for (const o of r.json.occurrences) seen.add(o.name);
      pageToken = r.json.nextPageToken;
    } while (pageToken);
    counts.push(seen.size);
    names.set(b, seen);
  }
  s.proc.kill('SIGTERM');
  await s.exited;
  // All or nothing per batch; nothing answered 200 is lost.
  expect(counts.filter((n) => n !== 0 && n !== PER)).toEqual([]);
  for (const [b, got] of answered) expect(names.get(b)).toEqual(new Set(got));
  const committed = counts.filter((n) => n === PER).length;

  const verify = cli(['audit', 'verify', ...store]);
  expect(verify.stderr + verify.stdout).toMatch(/^ok: /m);
  expect(verify.status).toBe(0);
  const exported = cli(['audit', 'export', ...store]);
  expect(exported.status).toBe(0);
  const batchEntries = exported.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.action === 'occurrences.batchCreate');
  expect(batchEntries).toHaveLength(committed);
  // Each entry names exactly the occurrences of one committed batch.
  const byIds = new Map(
    [...names]
      .filter(([, v]) => v.size === PER)
      .map(([b, v]) => [
        [...v]
          .map((n) => n.split('/').pop())
          .sort()
          .join(','),
        b,
      ]),
  );
  for (const e of batchEntries) {
    expect(e).toMatchObject({ outcome: 'ok', detail: { count: PER } });
    expect(byIds.has([...e.detail.ids].sort().join(','))).toBe(true);
  }
  return { committed, answered: answered.size, failed: failed.length };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of cleanups) c();
});

describe('SIGKILL during batchCreates', () => {
  it('embedded database: every batch all or nothing after restart, audit intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const r = await crashRun(['--data-dir', join(dir, 'db')]);
    expect(r.committed).toBeGreaterThanOrEqual(r.answered);
    console.log(
      `PGlite: ${r.answered} answered, ${r.failed} cut off, ${r.committed} committed of ${BATCHES}`,
    );
  }, 300_000);

  it('PostgreSQL: every batch all or nothing after restart, audit intact', async (tc) => {
    const pg = createPgDatabase('crash');
    if (!pg) return tc.skip();
    cleanups.push(() => pg.drop());
    const r = await crashRun(['--database-url', pg.url]);
    expect(r.committed).toBeGreaterThanOrEqual(r.answered);
    console.log(
      `PostgreSQL: ${r.answered} answered, ${r.failed} cut off, ${r.committed} committed of ${BATCHES}`,
    );
  }, 300_000);
});
