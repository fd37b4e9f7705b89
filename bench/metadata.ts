/**
 * Metadata server benchmark (figures and ratios in one run; not a test). The server runs as a
 * child process on PostgreSQL, in a fresh database; this process is the load generator (undici,
 * keep-alive, several connections, loopback):
 *  1. `occurrences:batchCreate` ingest, batches of 1000 (target >= 5,000 occurrences/s), next to
 *     the floor of the same insert of 1000 rows through `pgbench -f` (same table, same row shape);
 *  2. ListOccurrences with `kind="VULNERABILITY" AND resourceUri="…"` over 1,000,000 occurrences
 *     (target p99 <= 30 ms), next to the floor of the same SELECT through `pgbench -f`, per
 *     transaction latencies from its log.
 * Seeding: the 1,000,000 rows are written directly with SQL (`insert … select … from
 * generate_series`) in the shape the server writes — project, location '', a UUID id, kind,
 * resource_uri, note_name, the proto3 JSON body as jsonb, times — 10,000 resources of 100
 * occurrences each (60 VULNERABILITY, 35 PACKAGE, 5 DISCOVERY), then ANALYZE.
 *
 *     npm run bench:metadata        # BENCH_ROWS=1000000 BENCH_INGEST=50000 BENCH_LISTS=500 BENCH_CONNECTIONS=8
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const INGEST = Number(process.env.BENCH_INGEST ?? 50_000);
const LISTS = Number(process.env.BENCH_LISTS ?? 500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const PER_RESOURCE = 100;
const RESOURCES = Math.max(1, Math.floor(ROWS / PER_RESOURCE));
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const DB = `portcullis_bench_metadata_${process.pid}`;
const URL_DB = `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}`;

const psqlArgs = (db: string) => [
  '-h',
  PG.host,
  '-p',
  PG.port,
  '-U',
  PG.user,
  '-d',
  db,
  '-v',
  'ON_ERROR_STOP=1',
  '-q',
  '-At',
];

function psql(db: string, sql: string): string {
  const r = spawnSync('psql', [...psqlArgs(db), '-c', sql], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portcullis ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const resourceUri = (r: number) =>
  `https://registry.example/bench/app-${r}@sha256:${r.toString(16).padStart(64, '0')}`;

/** The body a pushed VULNERABILITY occurrence carries (src/scan/push.ts), as SQL building it from g. */
const VULN_BODY_SQL = `jsonb_build_object('vulnerability', jsonb_build_object('type','OS','severity','HIGH','effectiveSeverity','HIGH','cvssScore',7.5,'fixAvailable',true,
  'relatedUrls', jsonb_build_array(jsonb_build_object('url','https://nvd.nist.gov/vuln/detail/CVE-2024-'||g,'label','NVD')),
  'packageIssue', jsonb_build_array(jsonb_build_object('affectedPackage','openssl','affectedVersion',jsonb_build_object('name','3.0.7','revision','1','kind','NORMAL'),'fixedVersion',jsonb_build_object('name','3.0.8','kind','NORMAL'),'fixAvailable',true,'packageType','OS','effectiveSeverity','HIGH'))),
  'remediation','Upgrade openssl to 3.0.8-1')`;
const PKG_BODY_SQL = `jsonb_build_object('package', jsonb_build_object('name','pkg-'||(g % 997),'packageType','OS','version',jsonb_build_object('name','1.'||(g % 13),'kind','NORMAL'),'location',jsonb_build_array(jsonb_build_object('path','/var/lib/dpkg/status'))))`;

function seedSql(from: number, to: number): string {
  // g: 0-based row number; resource g / 100; within a resource: 0–59 VULNERABILITY, 60–94 PACKAGE, 95–99 DISCOVERY.
  return `insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
    select 'bench', '', gen_random_uuid()::text,
      case when g % ${PER_RESOURCE} < 60 then 'VULNERABILITY' when g % ${PER_RESOURCE} < 95 then 'PACKAGE' else 'DISCOVERY' end,
      'https://registry.example/bench/app-' || (g / ${PER_RESOURCE}) || '@sha256:' || lpad(to_hex(g / ${PER_RESOURCE}), 64, '0'),
      case when g % ${PER_RESOURCE} < 60 then 'projects/bench-notes/notes/CVE-2024-' || (g % 5000) when g % ${PER_RESOURCE} < 95 then 'projects/bench-notes/notes/pkg-' || (g % 997) else 'projects/bench-notes/notes/portcullis-scan' end,
      case when g % ${PER_RESOURCE} < 60 then ${VULN_BODY_SQL} when g % ${PER_RESOURCE} < 95 then ${PKG_BODY_SQL} else '{"discovery":{"analysisStatus":"FINISHED_SUCCESS"}}'::jsonb end,
      now(), now()
    from generate_series(${from}, ${to - 1}) g`;
}

/** pgbench with a custom script; per-transaction latencies (ms) from its log. */
function pgbench(
  script: string,
  opts: { transactions: number; clients: number },
): { seconds: number; latencies: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pgbench-'));
  try {
    writeFileSync(join(dir, 'script.sql'), script);
    const t0 = performance.now();
    const r = spawnSync(
      'pgbench',
      [
        '-h',
        PG.host,
        '-p',
        PG.port,
        '-U',
        PG.user,
        '-n',
        '-f',
        join(dir, 'script.sql'),
        '-t',
        String(opts.transactions),
        '-c',
        String(opts.clients),
        '-j',
        String(Math.min(opts.clients, 2)),
        '-l',
        '--log-prefix',
        join(dir, 'log'),
        DB,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`pgbench: ${r.stderr}`);
    const latencies: number[] = [];
    for (const f of readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const cols = line.split(' ');
        if (cols.length >= 3) latencies.push(Number(cols[2]) / 1000);
      }
    }
    return { seconds, latencies: latencies.sort((a, b) => a - b) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  // warn: the per-request info log line is not what is measured here.
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
      '--log-level',
      process.env.BENCH_SERVER_LOG ?? 'warn',
      '--max-body-size',
      String(64 << 20),
      '--database-url',
      URL_DB,
    ],
    { stdio: ['ignore', process.env.BENCH_SERVER_LOG ? 'inherit' : 'ignore', 'pipe'] },
  );
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      err += d;
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url) resolve({ proc, url });
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

async function main() {
  psql('postgres', `create database ${DB}`);
  let server: ChildProcess | undefined;
  let pool: Pool | undefined;
  try {
    const token = cli([
      'server',
      'token',
      'create',
      '--project',
      'bench,bench-notes',
      '--role',
      'writer',
      '--database-url',
      URL_DB,
    ])
      .trim()
      .split('\n')
      .pop()!;
    const s = await startServer();
    server = s.proc;
    pool = new Pool(s.url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 4_000 });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
      const r = await pool!.request({ method, path, headers, ...(body ? { body } : {}) });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`${method} ${path}: ${r.statusCode} ${text.slice(0, 300)}`);
      return text;
    };
    await call(
      'POST',
      '/v1/projects/bench-notes/notes?noteId=portcullis-scan',
      JSON.stringify({ discovery: { analysisKind: 'VULNERABILITY' } }),
    );
    await call(
      'POST',
      '/v1/projects/bench-notes/notes?noteId=CVE-2024-1',
      JSON.stringify({ vulnerability: { severity: 'HIGH', cvssScore: 7.5 } }),
    );

    // 1. Ingest.
    console.log(`ingest: ${INGEST} occurrences, batchCreate of 1000, ${CONNECTIONS} connections`);
    const batch = (b: number) =>
      JSON.stringify({
        occurrences: Array.from({ length: 1000 }, (_, i) => ({
          resourceUri: resourceUri(1_000_000 + b * 10 + (i % 10)),
          noteName: 'projects/bench-notes/notes/CVE-2024-1',
          remediation: 'Upgrade openssl to 3.0.8-1',
          vulnerability: {
            type: 'OS',
            severity: 'HIGH',
            effectiveSeverity: 'HIGH',
            cvssScore: 7.5,
            fixAvailable: true,
            relatedUrls: [{ url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-1', label: 'NVD' }],
            packageIssue: [
              {
                affectedPackage: 'openssl',
                affectedVersion: { name: '3.0.7', revision: '1', kind: 'NORMAL' },
                fixedVersion: { name: '3.0.8', kind: 'NORMAL' },
                fixAvailable: true,
                packageType: 'OS',
                effectiveSeverity: 'HIGH',
              },
            ],
          },
        })),
      });
    const nBatches = Math.ceil(INGEST / 1000);
    const bodies = Array.from({ length: nBatches }, (_, b) => batch(b));
    await call('POST', '/v1/projects/bench/occurrences:batchCreate', batch(9999)); // warm-up
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < nBatches)
          await call('POST', '/v1/projects/bench/occurrences:batchCreate', bodies[next++]!);
      }),
    );
    const ingestSeconds = (performance.now() - t0) / 1000;
    const ingestRate = (nBatches * 1000) / ingestSeconds;
    const insertFloor = pgbench(
      `insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
       select 'floor', '', gen_random_uuid()::text, 'VULNERABILITY', 'https://registry.example/floor/app@sha256:' || lpad(to_hex(g % 10), 64, '0'), 'projects/bench-notes/notes/CVE-2024-1', ${VULN_BODY_SQL.replace(/\n\s*/g, ' ')}, now(), now() from generate_series(1, 1000) g;\n`,
      { transactions: Math.max(1, Math.ceil(nBatches / CONNECTIONS)), clients: CONNECTIONS },
    );
    const floorRate =
      (Math.max(1, Math.ceil(nBatches / CONNECTIONS)) * CONNECTIONS * 1000) / insertFloor.seconds;
    psql(DB, `delete from metadata_occurrences where project = 'floor'`);

    // 2. Seed 1M rows with SQL, then list (on fresh connections: the idle ones have timed out meanwhile).
    await pool.close();
    const existing = Number(psql(DB, `select count(*) from metadata_occurrences`));
    const ts = performance.now();
    const CHUNK = 200_000;
    for (let from = 0; from < RESOURCES * PER_RESOURCE; from += CHUNK)
      psql(DB, seedSql(from, Math.min(RESOURCES * PER_RESOURCE, from + CHUNK)));
    psql(DB, 'analyze metadata_occurrences');
    const total = Number(psql(DB, `select count(*) from metadata_occurrences`));
    console.log(
      `seeded ${total - existing} occurrences with insert … select generate_series in ${fmt((performance.now() - ts) / 1000)} s (table: ${total} rows)`,
    );

    pool = new Pool(s.url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 4_000 });
    const pick = (i: number) => (i * 7919) % RESOURCES;
    const listPath = (r: number) =>
      `/v1/projects/bench/occurrences?pageSize=100&filter=${encodeURIComponent(`kind="VULNERABILITY" AND resourceUri="${resourceUri(r)}"`)}`;
    for (let i = 0; i < 50; i++) await call('GET', listPath(pick(LISTS + i))); // warm-up
    const lat: number[] = [];
    let returned = 0;
    for (let i = 0; i < LISTS; i++) {
      const t = performance.now();
      const text = await call('GET', listPath(pick(i)));
      lat.push(performance.now() - t);
      returned += (JSON.parse(text) as { occurrences: unknown[] }).occurrences.length;
    }
    lat.sort((a, b) => a - b);
    const selectFloor = pgbench(
      `\\set r random(0, ${RESOURCES - 1})
select * from metadata_occurrences where project = 'bench' and location = '' and kind = 'VULNERABILITY' and resource_uri = 'https://registry.example/bench/app-' || :r || '@sha256:' || lpad(to_hex(:r), 64, '0') order by seq limit 101;\n`,
      { transactions: LISTS, clients: 1 },
    );
    const f = selectFloor.latencies;

    console.log('');
    console.log(
      `batchCreate ingest:   ${fmt(ingestRate, 0)} occurrences/s (${nBatches} batches in ${fmt(ingestSeconds, 2)} s; target >= 5000)`,
    );
    console.log(
      `  floor (pgbench, same 1000-row insert, ${CONNECTIONS} clients): ${fmt(floorRate, 0)} rows/s; ratio server/floor ${fmt(ingestRate / floorRate, 2)}`,
    );
    console.log(
      `ListOccurrences kind+resourceUri over ${total} rows, ${LISTS} requests, sequential (${fmt(returned / LISTS, 0)} occurrences each):`,
    );
    console.log(
      `  p50 ${fmt(percentile(lat, 50), 2)} ms, p99 ${fmt(percentile(lat, 99), 2)} ms, max ${fmt(lat[lat.length - 1]!, 2)} ms (target p99 <= 30 ms)`,
    );
    console.log(
      `  floor (pgbench, same SELECT): p50 ${fmt(percentile(f, 50), 2)} ms, p99 ${fmt(percentile(f, 99), 2)} ms; ratio p99 server/floor ${fmt(percentile(lat, 99) / percentile(f, 99), 2)}, p50 ${fmt(percentile(lat, 50) / percentile(f, 50), 2)}`,
    );
    const ok = ingestRate >= 5000 && percentile(lat, 99) <= 30;
    console.log(ok ? 'targets met' : 'TARGET MISSED');
  } finally {
    await pool?.close();
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    psql('postgres', `drop database if exists ${DB} with (force)`);
  }
}

await main();
