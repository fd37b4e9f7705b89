/**
 * The data directory lock: exclusive while held, released on release, stale locks (dead pid,
 * reused pid, zombie-free dead host, garbled file, a taker that died holding its guard) taken
 * over, and of many processes racing for one stale lock exactly one wins.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireStoreLock, LOCK_FILE, liveHolder, processStartTime, StoreLockedError, type LockHolder } from './lock.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const freshDir = () => mkdtempSync(join(work, `d${n++}-`));

/** A pid that was just in use and is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeHolder(dir: string, h: Partial<LockHolder>): void {
  const full: LockHolder = { pid: 1, hostname: hostname(), nonce: 'ab'.repeat(16), since: new Date().toISOString(), command: 'test', ...h };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(full));
}

describe('acquireStoreLock', () => {
  it('holds the directory exclusively, names the owner, and frees it on release', async () => {
    const dir = freshDir();
    const lock = await acquireStoreLock(dir, 'db import');
    const file = join(dir, LOCK_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'db import', hostname: hostname() });
    const err = await acquireStoreLock(dir, 'scan').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect(err).toMatchObject({ code: 'STORE_LOCKED', holder: { pid: process.pid } });
    expect((err as Error).message).toContain(`process ${process.pid}`);
    lock.setServer({ url: 'https://127.0.0.1:1', adminToken: 'secret' });
    expect(liveHolder(dir)?.server?.url).toBe('https://127.0.0.1:1');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(file)).toBe(false);
    (await acquireStoreLock(dir, 'again')).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  const stale: [string, (dir: string) => void][] = [
    ['the owner pid is dead', (dir) => writeHolder(dir, { pid: deadPid() })],
    ['the pid now belongs to another process (start time differs)', (dir) => writeHolder(dir, { pid: process.pid, startTime: '1' })],
    ['another host stopped beating', (dir) => {
      writeHolder(dir, { hostname: 'elsewhere.invalid' });
      const old = new Date(Date.now() - 120_000);
      utimesSync(join(dir, LOCK_FILE), old, old);
    }],
    ['the file is garbled and old', (dir) => {
      writeFileSync(join(dir, LOCK_FILE), '{not json');
      const old = new Date(Date.now() - 60_000);
      utimesSync(join(dir, LOCK_FILE), old, old);
    }],
    ['a taker died holding its guard', (dir) => {
      writeHolder(dir, { pid: deadPid(), nonce: 'cd'.repeat(16) });
      writeFileSync(join(dir, `${LOCK_FILE}.takeover-${'cd'.repeat(16)}`), JSON.stringify({ pid: deadPid(), hostname: hostname(), nonce: 'ef'.repeat(16), since: '', command: 'x' }));
    }],
  ];
  it.each(stale)('takes over a stale lock: %s', async (_name, make) => {
    const dir = freshDir();
    make(dir);
    const lock = await acquireStoreLock(dir, 'taker');
    expect(liveHolder(dir)).toMatchObject({ pid: process.pid, command: 'taker' });
    lock.release();
    expect(readdirSync(dir).filter((f) => f === LOCK_FILE)).toEqual([]);
  });

  const live: [string, (dir: string) => void][] = [
    ['a live process of this host', (dir) => writeHolder(dir, { pid: process.ppid })],
    ['this very process', (dir) => writeHolder(dir, { pid: process.pid, startTime: processStartTime(process.pid)! })],
    ['another host that beats', (dir) => writeHolder(dir, { hostname: 'elsewhere.invalid' })],
    ['a file being written right now', (dir) => writeFileSync(join(dir, LOCK_FILE), '')],
  ];
  it.each(live)('refuses a lock held by %s', async (_name, make) => {
    const dir = freshDir();
    make(dir);
    await expect(acquireStoreLock(dir, 'second')).rejects.toMatchObject({ code: 'STORE_LOCKED' });
  });

  it('of 8 processes racing for one stale lock, exactly one wins', async () => {
    const dir = freshDir();
    writeHolder(dir, { pid: deadPid() });
    const go = join(dir, 'go');
    const done = join(dir, 'done');
    const script = `
      import { existsSync } from 'node:fs';
      import { acquireStoreLock } from ${JSON.stringify(join(import.meta.dirname, 'lock.ts'))};
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
      try {
        const lock = await acquireStoreLock(${JSON.stringify(dir)}, 'racer');
        process.stdout.write('won\\n');
        while (!existsSync(${JSON.stringify(done)})) await new Promise((r) => setTimeout(r, 20));
        lock.release();
      } catch (err) {
        process.stdout.write((err.code ?? 'error: ' + err.message) + '\\n');
      }`;
    const kids = Array.from({ length: 8 }, () => {
      const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        // Each taker pauses between seeing the stale lock and replacing it: without the guard,
        // several would replace it and all "win".
        env: { ...process.env, PORTCULLIS_TEST_TAKEOVER_PAUSE_MS: '400' },
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      return { p, line: () => out.trim(), exited: new Promise((r) => p.on('exit', r)) };
    });
    // Let every child reach its wait loop, then start them together.
    await new Promise((r) => setTimeout(r, 4000));
    writeFileSync(go, '');
    const deadline = Date.now() + 60_000;
    while (kids.some((k) => k.line() === '') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const results = kids.map((k) => k.line()).sort();
    writeFileSync(done, '');
    await Promise.all(kids.map((k) => k.exited));
    expect(results).toEqual(['STORE_LOCKED', 'STORE_LOCKED', 'STORE_LOCKED', 'STORE_LOCKED', 'STORE_LOCKED', 'STORE_LOCKED', 'STORE_LOCKED', 'won']);
  }, 120_000);
});
