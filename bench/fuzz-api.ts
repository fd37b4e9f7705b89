/**
 * Property-based fuzzing of the whole HTTP API of `portcullis server` (not a test: a bounded run
 * with figures). The server is a real process (dist/cli.js) on PostgreSQL in a fresh database;
 * this process sends requests from the fast-check arbitraries of test/support/api-arbitraries.ts
 * (every route under both parents; path segments, query parameters, filters and bodies mixing
 * valid Grafeas values and hostile input) over loopback, several at a time, until the time is up.
 *
 * Asserts: zero 5xx (503 is allowed only while the store is down, which this run never causes,
 * so it is counted as a failure too), zero crashes (the server process must stay up, and /healthz
 * must answer at the end). Prints requests sent, the status histogram, the 5xx count and the
 * first failing requests. Exit status 1 when either count is not zero.
 *
 *     npx tsx bench/fuzz-api.ts [--minutes 10] [--seed N] [--concurrency 4]
 *     FUZZ_DATABASE_URL=postgres://… to use an existing database instead of creating one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { Client, Pool } from 'undici';
import { describeRequest, headersFor, requestArb, seedFuzzTarget, type FuzzRequest, type Send } from '../test/support/api-arbitraries.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
  },
});
const MINUTES = Number(args.minutes);
const CONCURRENCY = Number(args.concurrency);
const SEED = args.seed !== undefined ? Number(args.seed) : Date.now() % 2 ** 31;
if (!(MINUTES > 0) || !(CONCURRENCY >= 1)) {
  console.error('usage: npx tsx bench/fuzz-api.ts [--minutes 10] [--seed N] [--concurrency 4]');
  process.exit(2);
}
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const DB = `portcullis_fuzz_api_${process.pid}`;
const OWN_DB = !process.env.FUZZ_DATABASE_URL;
const URL_DB = process.env.FUZZ_DATABASE_URL ?? `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}`;

function psql(sql: string): void {
  const r = spawnSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
}

function cli(argv: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portcullis ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Node's default --max-http-header-size. */
const MAX_HEADER = 16 * 1024;

const tokenOf = (out: string) => out.trim().split('\n').pop()!;

interface Server {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startServer(): Promise<Server> {
  const proc = spawn(process.execPath, [CLI, 'server', '--listen', '127.0.0.1:0', '--insecure-http', '--rate-limit', '0', '--log-level', 'error', '--database-url', URL_DB], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let logs = '';
  proc.stdout!.on('data', (d) => (logs = (logs + d).slice(-200_000)));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((res, rej) => {
    proc.stderr!.on('data', (d) => {
      err = (err + d).slice(-200_000);
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url) res({ proc, url, exited, stderr: () => `${err}\n${logs}` });
    });
    void exited.then((code) => rej(new Error(`server exited ${code}: ${err}`)));
  });
}

async function main() {
  if (OWN_DB) psql(`create database ${DB}`);
  let server: Server | undefined;
  let pool: Pool | undefined;
  let crashed: number | null | undefined;
  try {
    const writer = tokenOf(cli(['server', 'token', 'create', '--project', '*', '--role', 'writer', '--database-url', URL_DB]));
    const viewer = tokenOf(cli(['server', 'token', 'create', '--project', 'fuzz', '--role', 'viewer', '--database-url', URL_DB]));
    server = await startServer();
    void server.exited.then((code) => (crashed = code));
    pool = new Pool(server.url, { connections: CONCURRENCY, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
    const send: Send = async (method, path, headers, body) => {
      const r = await pool!.request({ method, path, headers, ...(body ? { body: Buffer.from(body) } : {}) });
      return { status: r.statusCode, text: await r.body.text() };
    };
    const ids = await seedFuzzTarget(send, writer);
    // One keep-alive connection per worker, so a failure can be traced to the request before it.
    const CLIENT_OPTS = { pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 };
    const clients = Array.from({ length: CONCURRENCY }, () => new Client(server!.url, CLIENT_OPTS));
    const previous: (FuzzRequest | undefined)[] = [];
    const sendOn = async (w: number, method: string, path: string, headers: Record<string, string>, body?: Uint8Array) => {
      const r = await clients[w]!.request({ method, path, headers, ...(body ? { body: Buffer.from(body) } : {}) });
      return { status: r.statusCode, text: await r.body.text() };
    };
    const arb = requestArb(ids);
    const tokens = { writer, viewer };

    console.log(`fuzzing ${server.url} (PostgreSQL ${OWN_DB ? DB : 'FUZZ_DATABASE_URL'}) for ${MINUTES} min, seed ${SEED}, ${CONCURRENCY} concurrent`);
    const deadline = Date.now() + MINUTES * 60_000;
    const histogram = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    let transport = 0;
    let oversizedResets = 0;
    let fiveXX = 0;
    let batch = 0;
    let lastReport = Date.now();
    while (Date.now() < deadline && crashed === undefined) {
      const requests: FuzzRequest[] = fc.sample(arb, { numRuns: 200, seed: SEED + batch++ });
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, w) => {
          while (next < requests.length && Date.now() < deadline && crashed === undefined) {
            const r = requests[next++]!;
            try {
              const { status, text } = await sendOn(w, r.method, r.path, headersFor(r, tokens), r.body);
              previous[w] = r;
              sent++;
              histogram.set(status, (histogram.get(status) ?? 0) + 1);
              if (status >= 500) {
                fiveXX++;
                if (failures.length < 20) failures.push(`${status} ${text.slice(0, 200)} <- ${describeRequest(r)}`);
              }
            } catch (err) {
              sent++;
              if (r.path.length + 400 > MAX_HEADER) {
                // Node answers a request line and headers over --max-http-header-size with 431 and
                // closes the socket; a client still writing a body sees the reset instead.
                oversizedResets++;
                histogram.set(431, (histogram.get(431) ?? 0) + 1);
                await clients[w]!.close().catch(() => undefined);
                clients[w] = new Client(server!.url, CLIENT_OPTS);
                continue;
              }
              // Any other reset connection or timeout is the server failing the request too.
              transport++;
              if (failures.length < 20) failures.push(`transport error ${(err as Error).message} <- ${describeRequest(r)} (after ${previous[w] ? describeRequest(previous[w]!) : 'nothing'})`);
              await clients[w]!.close().catch(() => undefined);
              clients[w] = new Client(server!.url, CLIENT_OPTS);
              previous[w] = undefined;
            }
          }
        }),
      );
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        console.log(`  ${sent} requests, ${fiveXX} 5xx, ${transport} transport errors, ${Math.round((deadline - Date.now()) / 1000)} s left`);
      }
    }
    for (const c of clients) await c.close().catch(() => undefined);
    let healthy = false;
    if (crashed === undefined) {
      try {
        healthy = (await send('GET', '/healthz', {})).status === 200;
      } catch {
        healthy = false;
      }
    }
    const crashes = crashed !== undefined || !healthy ? 1 : 0;
    console.log('');
    console.log(`requests sent:  ${sent} (${(sent / (MINUTES * 60)).toFixed(1)}/s over ${MINUTES} min, seed ${SEED})`);
    console.log(`status histogram: ${[...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    console.log(`5xx responses:  ${fiveXX} (target 0)`);
    console.log(`transport errors: ${transport} (target 0)`);
    console.log(`  (not counted: ${oversizedResets} resets of requests whose URL exceeds Node's ${MAX_HEADER}-byte header limit, answered 431 and closed by Node)`);
    console.log(`server crashes: ${crashes} (target 0)${crashed !== undefined ? `; exited with ${crashed}` : healthy ? '' : '; /healthz did not answer'}`);
    if (failures.length) {
      console.log('first failures:');
      for (const f of failures) console.log(`  ${f}`);
      const log = server.stderr().split('\n').filter((l) => /"level":50|error/i.test(l)).slice(0, 10);
      if (log.length) console.log(`server error log:\n  ${log.join('\n  ')}`);
    }
    const ok = fiveXX === 0 && transport === 0 && crashes === 0;
    console.log(ok ? 'PASS: zero 5xx, zero crashes' : 'FAIL');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await pool?.close().catch(() => undefined);
    server?.proc.kill('SIGTERM');
    if (server) await Promise.race([server.exited, new Promise((r) => setTimeout(r, 5000))]);
    if (OWN_DB) psql(`drop database if exists ${DB} with (force)`);
  }
}

await main();
