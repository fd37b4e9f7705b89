/**
 * One owner per embedded data directory: `DATA_DIR/portcullis.lock`, created atomically (a
 * complete file hard-linked into place, so it never exists half-written) and holding the owner's
 * pid, process start time, host and a nonce; a `portcullis server` adds its URL, certificate
 * fingerprint and a local admin credential (the file is 0600: reading it proves access to the
 * data directory).
 *
 * A lock whose owner is gone (same host: the pid is dead or is another process now; another
 * host: no heartbeat for a minute) is stale and is taken over: the taker first creates
 * `portcullis.lock.takeover-NONCE` exclusively for that lock's nonce, so of two racing takers only
 * one replaces it, and the loser sees the new owner. A taker that dies holding the guard leaves a
 * guard that is itself stale and is taken over the same way.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.js';

export const LOCK_FILE = 'portcullis.lock';
const HEARTBEAT_MS = 10_000;
/** A lock of another host is stale after this long without a heartbeat. */
const FOREIGN_STALE_MS = 60_000;
/** A lock file that cannot be parsed is stale after this long (it was never written by us). */
const GARBLED_STALE_MS = 10_000;
const TAKEOVER_PAUSE_MS = Number(process.env.PORTCULLIS_TEST_TAKEOVER_PAUSE_MS) || 0;

export interface LockServerInfo {
  /** Where a local client reaches the server (wildcard listen addresses become loopback). */
  url: string;
  fingerprint256?: string;
  /** Bearer credential of the admin endpoints (`/admin/v1/…`). */
  adminToken: string;
}

export interface LockHolder {
  pid: number;
  /** Process start time in clock ticks since boot (/proc/PID/stat field 22), when known. */
  startTime?: string;
  hostname: string;
  nonce: string;
  since: string;
  /** The command that holds it, e.g. `server`, `db import`. */
  command: string;
  server?: LockServerInfo;
}

export interface StoreLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Rewrites the lock with the server's address (atomically: the lock file is replaced, never absent). */
  setServer(info: LockServerInfo): void;
  release(): void;
}

/** State and start time of a process, from /proc (Linux); undefined elsewhere or when it is gone. */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may contain spaces: count from the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return f[0] && f[19] ? { state: f[0], startTime: f[19] } : undefined;
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `h` still runs (and, for another host, still beats). */
export function holderAlive(h: LockHolder, mtimeMs: number, now = Date.now()): boolean {
  if (h.hostname !== hostname()) return now - mtimeMs < FOREIGN_STALE_MS;
  if (!Number.isInteger(h.pid) || h.pid <= 0 || !pidAlive(h.pid)) return false;
  const st = procStat(h.pid);
  // A zombie (killed, not yet reaped by its parent) holds nothing any more.
  if (st && (st.state === 'Z' || st.state === 'X')) return false;
  return h.startTime === undefined || st === undefined || st.startTime === h.startTime;
}

type Read = { kind: 'none' } | { kind: 'holder'; holder: LockHolder; mtimeMs: number; raw: string } | { kind: 'garbled'; mtimeMs: number; raw: string };

function readLock(path: string): Read {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = readFileSync(path, 'utf8');
    mtimeMs = statSync(path).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  try {
    const h = JSON.parse(raw) as LockHolder;
    if (typeof h.pid === 'number' && typeof h.nonce === 'string' && typeof h.hostname === 'string') return { kind: 'holder', holder: h, mtimeMs, raw };
  } catch {
    // fall through
  }
  return { kind: 'garbled', mtimeMs, raw };
}

/** The current holder of a data directory's lock, when a live process holds it. */
export function liveHolder(dir: string): LockHolder | undefined {
  const r = readLock(join(dir, LOCK_FILE));
  return r.kind === 'holder' && holderAlive(r.holder, r.mtimeMs) ? r.holder : undefined;
}

function writeTemp(path: string, content: string): string {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // gone already
  }
}

/** Creates `path` with `content` if it does not exist: true when we created it. */
function createExclusive(path: string, content: string): boolean {
  const tmp = writeTemp(path, content);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // A file system without hard links: exclusive create, then the content (readers treat a
    // briefly empty file as held: it is younger than GARBLED_STALE_MS).
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } finally {
    unlinkQuiet(tmp);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Attempt = { won: true } | { won: false; holder?: LockHolder };

/**
 * One exclusive file, with stale takeover. `depth` bounds the guards of guards (each level needs
 * a taker to die inside a few system calls).
 */
async function acquireFile(path: string, content: string, depth: number): Promise<Attempt> {
  for (let round = 0; round < 50; round++) {
    if (createExclusive(path, content)) return { won: true };
    const cur = readLock(path);
    if (cur.kind === 'none') continue; // released meanwhile
    const now = Date.now();
    const alive = cur.kind === 'holder' ? holderAlive(cur.holder, cur.mtimeMs, now) : now - cur.mtimeMs < GARBLED_STALE_MS;
    if (alive) return cur.kind === 'holder' ? { won: false, holder: cur.holder } : { won: false };
    if (depth >= 3) return { won: false };
    // Stale: take it over under a guard named after exactly this lock.
    const tag = cur.kind === 'holder' ? cur.holder.nonce.replace(/[^0-9a-f]/g, '').slice(0, 32) || 'x' : String(Math.floor(cur.mtimeMs));
    const guard = `${path}.takeover-${tag}`;
    const g = await acquireFile(guard, content, depth + 1);
    if (!g.won) {
      // Another taker is at it: give it a moment, then look again.
      await sleep(20 + Math.random() * 30);
      continue;
    }
    try {
      const again = readLock(path);
      if (again.kind !== 'none' && 'raw' in again && again.raw === cur.raw) {
        // Tests widen the window between the check and the replacement, where racing takers meet.
        if (TAKEOVER_PAUSE_MS) await sleep(TAKEOVER_PAUSE_MS);
        const tmp = writeTemp(path, content);
        try {
          renameSync(tmp, path);
        } catch (err) {
          unlinkQuiet(tmp);
          throw err;
        }
        return { won: true };
      }
      // Replaced or released by someone else meanwhile: look again.
    } finally {
      unlinkQuiet(guard);
    }
  }
  return { won: false };
}

function describe(h: LockHolder | undefined): string {
  if (!h) return 'another process';
  const where = h.hostname === hostname() ? '' : ` on host ${h.hostname}`;
  const what = h.server ? `portcullis server at ${h.server.url}` : `portcullis ${h.command}`;
  return `process ${h.pid}${where} (${what}, since ${h.since})`;
}

export class StoreLockedError extends PortcullisError {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
    hint?: string,
  ) {
    super({
      code: 'STORE_LOCKED',
      message: `The embedded database in "${dir}" is in use by ${describe(holder)}`,
      hint:
        hint ??
        (holder?.server
          ? `Stop that server first (kill ${holder.pid}); while it runs, \`server token create|list|revoke\` and \`audit verify|export\` go through it. To share one database between processes use PostgreSQL (--database-url).`
          : `Wait for that process to finish${holder ? ` (or stop it: kill ${holder.pid})` : ''}, or use another --data-dir; to share one database between processes use PostgreSQL (--database-url).`),
    });
  }
}

const held = new Set<StoreLock>();
let exitHook = false;

/** Takes the lock of a data directory, or throws STORE_LOCKED naming the live owner. */
export async function acquireStoreLock(dir: string, command: string): Promise<StoreLock> {
  const path = join(dir, LOCK_FILE);
  const startTime = processStartTime(process.pid);
  let holder: LockHolder = {
    pid: process.pid,
    ...(startTime ? { startTime } : {}),
    hostname: hostname(),
    nonce: randomBytes(16).toString('hex'),
    since: new Date().toISOString(),
    command,
  };
  const r = await acquireFile(path, `${JSON.stringify(holder)}\n`, 0);
  if (!r.won) throw new StoreLockedError(dir, r.holder);
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // the next beat tries again
    }
  }, HEARTBEAT_MS);
  beat.unref();
  let released = false;
  const lock: StoreLock = {
    path,
    get holder() {
      return holder;
    },
    setServer(info) {
      holder = { ...holder, server: info };
      const tmp = writeTemp(path, `${JSON.stringify(holder)}\n`);
      renameSync(tmp, path);
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      held.delete(lock);
      const cur = readLock(path);
      if (cur.kind === 'holder' && cur.holder.nonce === holder.nonce) unlinkQuiet(path);
    },
  };
  held.add(lock);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const l of [...held]) l.release();
    });
  }
  return lock;
}
