/**
 * Write throughput of the metadata server (figures and ratios in one run; not a test). The server
 * runs as a child process (the built CLI); this process is the load generator (undici, keep-alive,
 * loopback), with BENCH_CLIENTS concurrent clients (default 32):
 *  1. PostgreSQL, single `occurrences` creates (target >= 3,000/s), next to the floor of the same
 *     one-row INSERT without audit through `pgbench -f` with as many clients;
 *  2. PostgreSQL, `occurrences:batchCreate` of 1000 (target >= 20,000 occurrences/s), next to the
 *     floor of the same 1000-row INSERT through pgbench;
 *  3. embedded store (PGlite data directory), single creates (target >= 500/s), next to the floor
 *     of the same INSERT without audit on PGlite in this process (one connection, sequential).
 * The server runs with --rate-limit 0: the store is measured, not the per-token limit.
 * After each server run: `audit verify` must pass with one chain entry per write, every row
 * bound (the chain still complete).
 *
 *     npx tsx bench/metadata-writes.ts   # BENCH_CLIENTS=32 BENCH_SINGLE=20000 BENCH_BATCHES=200 BENCH_EMBEDDED=5000
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';

const ROOT = resolve(import.meta.dirname, '..');
// BENCH_CLI: another build of the CLI (e.g. an older commit's) to compare in the same conditions.
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli.js');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 20_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const EMBEDDED = Number(process.env.BENCH_EMBEDDED ?? 5000);
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const DB = `portcullis_bench_writes_${process.pid}`;
const URL_DB = `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}`;
const fmt = (n: number, d = 0) => n.toFixed(d);

function psql(db: string, sqlText: string): string {
  const r = spawnSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sqlText], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const occurrence = (i: number) => ({
  resourceUri: `https://registry.example/bench/app-${i % 100}@sha256:${(i % 100).toString(16).padStart(64, '0')}`,
  noteName: 'projects/bench-notes/notes/CVE-2024-1',
  remediation: 'Upgrade openssl to 3.0.8-1',
  vulnerability: {
    type: 'OS',
    severity: 'HIGH',
    effectiveSeverity: 'HIGH',
    cvssScore: 7.5,
    fixAvailable: true,
    relatedUrls: [{ url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-1', label: 'NVD' }],
    packageIssue: [{ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'openssl', affectedVersion: { name: '3.0.7', revision: '1', kind: 'NORMAL' }, fixedVersion: { name: '3.0.8', kind: 'NORMAL' }, fixAvailable: true, packageType: 'OS', effectiveSeverity: 'HIGH' }],
  },
});
const BODY_SQL = `'${JSON.stringify((({ resourceUri: _r, noteName: _n, ...body }) => body)(occurrence(0)))}'::jsonb`;
const INSERT_SQL = (rows: string) =>
  `insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
   select 'floor', '', gen_random_uuid()::text, 'VULNERABILITY', 'https://registry.example/floor/app@sha256:' || lpad(to_hex(g % 100), 64, '0'), 'projects/bench-notes/notes/CVE-2024-1', ${BODY_SQL}, now(), now() from generate_series(1, ${rows}) g;\n`;

function pgbench(script: string, transactions: number, clients: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pgbench-'));
  try {
    writeFileSync(join(dir, 'script.sql'), script);
    const t0 = performance.now();
    const r = spawnSync('pgbench', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-n', '-f', join(dir, 'script.sql'), '-t', String(Math.max(1, Math.ceil(transactions / clients))), '-c', String(clients), '-j', '2', DB], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pgbench: ${r.stderr}`);
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(store: string[]): Promise<{ proc: ChildProcess; url: string; exited: Promise<unknown> }> {
  const proc = spawn(process.execPath, [CLI, 'server', '--listen', '127.0.0.1:0', '--insecure-http', '--rate-limit', '0', '--log-level', 'warn', '--max-body-size', String(64 << 20), ...store], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => proc.on('exit', r));
  let err = '';
  return new Promise((res, rej) => {
    proc.stderr!.on('data', (d) => {
      err += d;
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url) res({ proc, url, exited });
    });
    proc.on('exit', (code) => rej(new Error(`server exited ${code}: ${err}`)));
  });
}

/** Runs `total` requests from CLIENTS concurrent clients; returns seconds and 429 count. */
async function load(url: string, token: string, total: number, req: (i: number) => { path: string; body: string }): Promise<{ seconds: number; limited: number }> {
  const pool = new Pool(url, { connections: CLIENTS, pipelining: 1, keepAliveTimeout: 10_000 });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let next = 0;
  let limited = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < total; i = next++) {
          const { path, body } = req(i);
          for (;;) {
            const r = await pool.request({ method: 'POST', path, headers, body });
            const text = await r.body.text();
            if (r.statusCode === 429) {
              limited++;
              await new Promise((w) => setTimeout(w, 1000 * Number(r.headers['retry-after'] ?? 1)));
              continue;
            }
            if (r.statusCode !== 200) throw new Error(`POST ${path}: ${r.statusCode} ${text.slice(0, 300)}`);
            break;
          }
        }
      }),
    );
    return { seconds: (performance.now() - t0) / 1000, limited };
  } finally {
    await pool.close();
  }
}

interface Run {
  singleRate: number;
  batchRate?: number;
  limited: number;
  verify: { ok: boolean; entries: number; checked: number; expectEntries: number; problems: number };
}

async function serverRun(store: string[], single: number, batches: number): Promise<Run> {
  const made = cli(['server', 'token', 'create', '--project', 'bench,bench-notes', '--role', 'writer', ...store]);
  if (made.status !== 0) throw new Error(made.stderr);
  const token = made.stdout.trim().split('\n').pop()!;
  const s = await startServer(store);
  try {
    const warm = await load(s.url, token, 1, () => ({ path: '/v1/projects/bench-notes/notes?noteId=CVE-2024-1', body: JSON.stringify({ vulnerability: { severity: 'HIGH', cvssScore: 7.5 } }) }));
    void warm;
    await load(s.url, token, 64, (i) => ({ path: '/v1/projects/bench/occurrences', body: JSON.stringify(occurrence(i)) }));
    const bodies = Array.from({ length: Math.min(single, 1000) }, (_, i) => JSON.stringify(occurrence(i)));
    const one = await load(s.url, token, single, (i) => ({ path: '/v1/projects/bench/occurrences', body: bodies[i % bodies.length]! }));
    let batchRate: number | undefined;
    let limited = one.limited;
    if (batches) {
      const batch = JSON.stringify({ occurrences: Array.from({ length: 1000 }, (_, i) => occurrence(i)) });
      const b = await load(s.url, token, batches, () => ({ path: '/v1/projects/bench/occurrences:batchCreate', body: batch }));
      batchRate = (batches * 1000) / b.seconds;
      limited += b.limited;
    }
    s.proc.kill('SIGTERM');
    await s.exited;
    const v = cli(['audit', 'verify', '--format', 'json', ...store]);
    const j = JSON.parse(v.stdout) as { ok: boolean; entries: number; resources?: { checked: number }; problems: unknown[] };
    // token.create + note + 64 warm-up + singles + batches (+ token.create of an earlier run on the same store: none here)
    const expectEntries = 1 + 1 + 64 + single + batches;
    return { singleRate: single / one.seconds, ...(batchRate !== undefined ? { batchRate } : {}), limited, verify: { ok: j.ok && v.status === 0, entries: j.entries, checked: j.resources?.checked ?? 0, expectEntries, problems: j.problems.length } };
  } finally {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
  }
}

async function embeddedFloor(n: number): Promise<number> {
  const { openStore } = await import('../src/store/store.js');
  const { sql } = await import('kysely');
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-floor-'));
  const store = await openStore({ dataDir: join(dir, 'db') });
  try {
    const one = INSERT_SQL('1');
    for (let i = 0; i < 50; i++) await sql.raw(one).execute(store.db);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await sql.raw(one).execute(store.db);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function line(what: string, rate: number, target: number, floor: number, unit: string) {
  console.log(`${what.padEnd(44)} ${fmt(rate).padStart(7)} ${unit}  target ${target} (ratio ${fmt(rate / target, 2)})  floor ${fmt(floor)} (ratio ${fmt(rate / floor, 2)})`);
}

async function main() {
  const cores = readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length;
  console.log(`${CLIENTS} concurrent clients; ${SINGLE} single creates and ${BATCHES} batchCreates of 1000 on PostgreSQL, ${EMBEDDED} single creates embedded; ${cores} cores`);
  psql('postgres', `create database ${DB}`);
  let pgRun: Run;
  let floorSingle: number;
  let floorBatch: number;
  try {
    pgRun = await serverRun(['--database-url', URL_DB], SINGLE, BATCHES);
    floorSingle = SINGLE / pgbench(INSERT_SQL('1'), SINGLE, CLIENTS);
    floorBatch = (Math.ceil(BATCHES / CLIENTS) * CLIENTS * 1000) / pgbench(INSERT_SQL('1000'), BATCHES, CLIENTS);
  } finally {
    psql('postgres', `drop database if exists ${DB} with (force)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-writes-'));
  let emRun: Run;
  try {
    emRun = await serverRun(['--data-dir', join(dir, 'db')], EMBEDDED, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const emFloor = await embeddedFloor(Math.min(EMBEDDED, 5000));

  console.log('');
  line('PostgreSQL single creates, server', pgRun.singleRate, 3000, floorSingle, 'creates/s');
  console.log(`${''.padEnd(44)} floor: the same one-row INSERT without audit, pgbench, ${CLIENTS} clients`);
  line('PostgreSQL batchCreate, server', pgRun.batchRate!, 20000, floorBatch, 'occurrences/s');
  console.log(`${''.padEnd(44)} floor: the same 1000-row INSERT without audit, pgbench, ${CLIENTS} clients`);
  line('embedded single creates, server', emRun.singleRate, 500, emFloor, 'creates/s');
  console.log(`${''.padEnd(44)} floor: the same one-row INSERT without audit, PGlite in-process, sequential`);
  for (const [name, r] of [['PostgreSQL', pgRun], ['embedded', emRun]] as const)
    console.log(`audit verify (${name}): ${r.verify.ok ? 'ok' : 'FAILED'}, ${r.verify.entries} entries (expected ${r.verify.expectEntries}), ${r.verify.checked} rows re-checked, ${r.verify.problems} problems; ${r.limited} requests answered 429`);
  const ok = pgRun.singleRate >= 3000 && pgRun.batchRate! >= 20000 && emRun.singleRate >= 500 && pgRun.verify.ok && emRun.verify.ok && pgRun.verify.entries === pgRun.verify.expectEntries && emRun.verify.entries === emRun.verify.expectEntries;
  console.log(ok ? 'targets met' : 'TARGET MISSED');
}

await main();
