/**
 * `portcullis server` as a process: tokens through the CLI, HTTPS with a self-signed certificate
 * whose printed fingerprint is the one served, graceful shutdown that finishes an in-flight
 * request, and two server processes on one PostgreSQL writing and reading concurrently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../src/metadata/_testing.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let work: string;
const children: ChildProcess[] = [];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function newToken(store: string[], project: string, role: string, extra: string[] = []): string {
  const r = cli(['server', 'token', 'create', '--project', project, '--role', role, ...extra, ...store]);
  expect(r.stderr).toMatch(/^created token [0-9a-f]{12}: role /);
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[lines.length - 1]).toMatch(/^pcs_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  return lines[lines.length - 1]!;
}

interface Server {
  proc: ChildProcess;
  url: string;
  fingerprint?: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startServer(args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, [CLI, 'server', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(proc);
  let err = '';
  proc.stdout!.resume();
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    proc.stderr!.on('data', (d) => {
      err += d;
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url && (url.startsWith('http:') || /fingerprint: ([0-9A-F:]{95})/.test(err))) {
        clearTimeout(timer);
        const fp = /fingerprint: ([0-9A-F:]{95})/.exec(err)?.[1];
        resolve({ proc, url, ...(fp ? { fingerprint: fp } : {}), stderr: () => err, exited });
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

interface Reply {
  status: number;
  json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  fingerprint?: string;
}

/** One request; with `onHalfSent` the body goes in two halves around it (to hold a request in flight). */
function send(url: string, method: string, path: string, opts: { token?: string; body?: unknown; onHalfSent?: () => Promise<void> } = {}): Promise<Reply> {
  const u = new URL(path, url);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { connection: 'close', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) };
  return new Promise((resolve, reject) => {
    let fingerprint: string | undefined;
    const onRes = (res: import('node:http').IncomingMessage) => {
      const sock = res.socket as import('node:tls').TLSSocket;
      if (typeof sock.getPeerCertificate === 'function') fingerprint = sock.getPeerCertificate().fingerprint256;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : {}, ...(fingerprint ? { fingerprint } : {}) }));
    };
    const req =
      u.protocol === 'https:'
        ? httpsRequest(u, { method, headers, rejectUnauthorized: false }, onRes)
        : httpRequest(u, { method, headers }, onRes);
    req.on('error', reject);
    if (!body) return void req.end();
    if (!opts.onHalfSent) return void req.end(body);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half), () => {
      opts.onHalfSent!().then(() => req.end(body.slice(half)), reject);
    });
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-server-'));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('server token create|list|revoke', () => {
  it('prints the token alone on the last line, lists without secrets, revokes', () => {
    const store = ['--data-dir', join(work, 'tokens-db')];
    const token = newToken(store, 'p1,p2', 'viewer', ['--expires', '30d', '--description', 'ci']);
    const id = token.split('_')[1]!;
    const list = cli(['server', 'token', 'list', '--format', 'json', ...store]);
    expect(list.status).toBe(0);
    expect(list.stdout).not.toContain(token.slice(17));
    const [t] = JSON.parse(list.stdout).tokens;
    expect(t).toMatchObject({ id, role: 'viewer', projects: ['p1', 'p2'], description: 'ci', revokedAt: null });
    expect(Date.parse(t.expiresAt) - Date.parse(t.createdAt)).toBe(30 * 86_400_000);
    expect(cli(['server', 'token', 'revoke', id, ...store]).stdout).toBe(`revoked token ${id}\n`);
    expect(cli(['server', 'token', 'list', ...store]).stdout).toMatch(new RegExp(`${id}\\s+viewer\\s+revoked`));
    expect(cli(['server', 'token', 'revoke', 'nope', ...store]).status).toBe(2);
    const bad = cli(['server', 'token', 'create', '--project', 'p1', '--role', 'root', ...store]);
    expect(bad.status).toBe(2);
    expect(cli(['server', 'token', 'create', '--project', 'p1', '--role', 'viewer', '--expires', 'soon', ...store])).toFailWith('USAGE', { naming: '"soon"' });
  });

  it('refuses plain HTTP off loopback and a bad --listen', () => {
    const store = ['--data-dir', join(work, 'tokens-db')];
    expect(cli(['server', '--insecure-http', '--listen', '0.0.0.0:0', ...store])).toFailWith('USAGE', { naming: ['--insecure-http', '"0.0.0.0"'] });
    expect(cli(['server', '--listen', 'nowhere', ...store])).toFailWith('USAGE', { naming: ['--listen', '"nowhere"'] });
  });
});

describe('server over HTTPS on the embedded database', () => {
  it('serves with a self-signed certificate whose fingerprint it printed, authorises, drains on SIGTERM', async () => {
    const store = ['--data-dir', join(work, 'https-db')];
    const writer = newToken(store, 'p1', 'writer');
    const s = await startServer(store);
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await send(s.url, 'GET', '/healthz');
    expect(health).toMatchObject({ status: 200, json: { status: 'ok' }, fingerprint: s.fingerprint });
    expect((await send(s.url, 'GET', '/readyz')).status).toBe(200);
    expect((await send(s.url, 'GET', '/v1/projects/p1/notes')).status).toBe(401);
    expect((await send(s.url, 'GET', '/v1/projects/p2/notes', { token: writer })).status).toBe(403);
    const note = await send(s.url, 'POST', '/v1/projects/p1/notes?noteId=CVE-1', { token: writer, body: { vulnerability: { severity: 'HIGH' } } });
    expect(note.status).toBe(200);
    // A request in flight when SIGTERM arrives is finished; new connections are refused.
    const inflight = send(s.url, 'POST', '/v1/projects/p1/occurrences', {
      token: writer,
      body: { resourceUri: 'https://r/app@sha256:1', noteName: 'projects/p1/notes/CVE-1', vulnerability: { effectiveSeverity: 'HIGH' } },
      onHalfSent: async () => {
        s.proc.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 500));
        expect(s.proc.exitCode).toBe(null);
        await expect(send(s.url, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
      },
    });
    const r = await inflight;
    expect(r.status).toBe(200);
    expect(r.json.name).toMatch(/^projects\/p1\/occurrences\//);
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/SIGTERM: draining in-flight requests\nportcullis server: stopped\n$/);
  });
});

describe('two server processes on one PostgreSQL', () => {
  let pg: { url: string; drop(): void } | undefined;

  beforeAll(() => {
    pg = createPgDatabase('twoproc');
  });

  afterAll(() => pg?.drop());

  it('batches from both are visible from both, none lost; a contested note id is created once', async (tc) => {
    if (!pg) return tc.skip();
    const store = ['--database-url', pg.url];
    const token = newToken(store, 'shared', 'writer');
    const [a, b] = await Promise.all([startServer([...store, '--insecure-http', '--rate-limit', '0']), startServer([...store, '--insecure-http', '--rate-limit', '0'])]);
    expect((await send(a.url, 'GET', '/readyz')).status).toBe(200);
    expect((await send(a.url, 'POST', '/v1/projects/shared/notes?noteId=base', { token, body: { discovery: {} } })).status).toBe(200);
    const ROUNDS = 8;
    const PER = 50;
    const made: string[] = [];
    const writes = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [tag, s] of [
        ['a', a],
        ['b', b],
      ] as const) {
        writes.push(
          send(s.url, 'POST', '/v1/projects/shared/occurrences:batchCreate', { token, body: { occurrences: Array.from({ length: PER }, (_, j) => ({ resourceUri: `https://r/${tag}/${i}/${j}`, noteName: 'projects/shared/notes/base', discovery: { analysisStatus: 'FINISHED_SUCCESS' } })) } }).then((r) => {
            expect(r.status).toBe(200);
            made.push(...r.json.occurrences.map((o: { name: string }) => o.name));
          }),
        );
        writes.push(send(s.url, 'POST', `/v1/projects/shared/notes:batchCreate`, { token, body: { notes: { [`${tag}-${i}`]: { package: { name: `${tag}${i}` } } } } }).then((r) => expect(r.status).toBe(200)));
        // Reads interleaved with the writes.
        writes.push(send(s.url, 'GET', '/v1/projects/shared/occurrences?pageSize=100', { token }).then((r) => expect(r.status).toBe(200)));
      }
    }
    await Promise.all(writes);
    expect(made).toHaveLength(ROUNDS * 2 * PER);
    for (const s of [a, b]) {
      const seen: string[] = [];
      let pageToken = '';
      do {
        const r = await send(s.url, 'GET', `/v1/projects/shared/occurrences?pageSize=137&filter=${encodeURIComponent('kind="DISCOVERY"')}${pageToken ? `&pageToken=${pageToken}` : ''}`, { token });
        expect(r.status).toBe(200);
        seen.push(...r.json.occurrences.map((o: { name: string }) => o.name));
        pageToken = r.json.nextPageToken;
      } while (pageToken);
      expect(seen).toHaveLength(made.length);
      expect(new Set(seen)).toEqual(new Set(made));
      const notes = await send(s.url, 'GET', '/v1/projects/shared/notes?pageSize=1000', { token });
      expect(notes.json.notes).toHaveLength(1 + ROUNDS * 2);
    }
    // Both processes race for one note id: exactly one wins.
    const race = await Promise.all([a, b, a, b].map((s) => send(s.url, 'POST', '/v1/projects/shared/notes?noteId=contested', { token, body: { build: {} } })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    for (const s of [a, b]) s.proc.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    // Every write is in the one audit chain, and it verifies.
    const audit = cli(['audit', 'verify', ...store]);
    expect(audit.status).toBe(0);
  });
});
