/**
 * The token verification cache of a running `portcullis server` on PostgreSQL: a token the
 * server has verified (and cached) is refused on the very next request once `server token
 * revoke --database-url` (another process) has revoked it, and an expired token is refused
 * although it was cached.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../src/metadata/_testing.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const children: ChildProcess[] = [];
const drops: (() => void)[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of drops) d();
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function newToken(db: string[], extra: string[] = []): { token: string; id: string } {
  const r = cli(['server', 'token', 'create', '--project', 'p1', '--role', 'viewer', ...extra, ...db]);
  expect(r.status).toBe(0);
  const token = r.stdout.trimEnd().split('\n').pop()!;
  return { token, id: /^pcs_([0-9a-f]{12})_/.exec(token)![1]! };
}

/** Starts the server; resolves once it listens and its LISTEN for revocations is up (debug log). */
function startServer(db: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [CLI, 'server', '--listen', '127.0.0.1:0', '--insecure-http', '--log-level', 'debug', ...db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(proc);
  let err = '';
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    const check = () => {
      const url = /listening on (\S+)/.exec(err)?.[1];
      if (url && out.includes('token revocations: listening')) {
        clearTimeout(timer);
        resolve({ url, proc });
      }
    };
    proc.stderr!.on('data', (d) => ((err += d), check()));
    proc.stdout!.on('data', (d) => ((out += d), check()));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

function psql(sqlText: string, url: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', sqlText], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

async function status(url: string, token: string): Promise<[number, string]> {
  const r = await fetch(`${url}/v1/projects/p1/notes`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { error?: { message: string } };
  return [r.status, body.error?.message ?? 'ok'];
}

describe('server token cache on PostgreSQL', () => {
  it('refuses a cached token at once after `server token revoke --database-url`, and an expired one', async (ctx) => {
    const pg = createPgDatabase('revoke');
    if (!pg) return ctx.skip();
    drops.push(pg.drop);
    const db = ['--database-url', pg.url];
    const a = newToken(db);
    const b = newToken(db);
    const c = newToken(db);
    const soon = newToken(db, ['--expires', '3s']);
    const made = Date.now();
    const { url, proc } = await startServer(db);
    for (const t of [a, b, c, soon]) expect(await status(url, t.token)).toEqual([200, 'ok']);
    // The server answers from its cache: a revocation behind its back (no NOTIFY) is not seen yet.
    psql(`update api_tokens set revoked_at = now() where id = '${c.id}'`, pg.url);
    expect(await status(url, c.token)).toEqual([200, 'ok']);

    const revoke = cli(['server', 'token', 'revoke', a.id, ...db]);
    expect(revoke.status).toBe(0);
    expect(await status(url, a.token)).toEqual([401, 'The token has been revoked']);
    expect(await status(url, b.token)).toEqual([200, 'ok']);

    await new Promise((r) => setTimeout(r, Math.max(0, made + 3100 - Date.now())));
    expect(await status(url, soon.token)).toEqual([401, 'The token has expired']);
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  });
});
