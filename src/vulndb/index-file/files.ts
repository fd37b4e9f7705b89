/**
 * Where the advisory index lives in a data directory, whose store it belongs to, and the
 * "an import is changing the store" markers that tell a reader whether the index may lag behind.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const INDEX_FILE = 'advisories.idx';
const PENDING_PREFIX = `${INDEX_FILE}.pending-`;

export function indexPathOf(dataDir: string): string {
  return join(dataDir, INDEX_FILE);
}

/**
 * The embedded database's identity: the system identifier PostgreSQL writes at the start of
 * `global/pg_control` when the database is created (unique per data directory). Undefined when
 * the directory holds no database yet.
 */
export function storeIdOf(dataDir: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dataDir, 'global', 'pg_control'), 'r');
  } catch {
    return undefined;
  }
  try {
    const b = Buffer.alloc(8);
    return readSync(fd, b, 0, 8, 0) === 8 ? b.toString('hex') : undefined;
  } finally {
    closeSync(fd);
  }
}

export interface PendingMarker {
  path: string;
  pid: number;
  host: string;
}

/** Written before an import changes the store, removed once the index reflects the change. */
export function markPending(dataDir: string): PendingMarker {
  const marker = { path: join(dataDir, `${PENDING_PREFIX}${process.pid}`), pid: process.pid, host: hostname() };
  writeFileSync(marker.path, JSON.stringify({ pid: marker.pid, host: marker.host, since: new Date().toISOString() }) + '\n');
  return marker;
}

export function clearPending(marker: Pick<PendingMarker, 'path'>): void {
  rmSync(marker.path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Markers of imports that ended without updating the index (their process is gone): the
 * index may be older than the store. A marker of a live import is not listed — until it ends,
 * the index is a consistent picture of the store before that import.
 */
export function abandonedMarkers(dataDir: string): PendingMarker[] {
  let names: string[];
  try {
    names = readdirSync(dataDir).filter((n) => n.startsWith(PENDING_PREFIX));
  } catch {
    return [];
  }
  const out: PendingMarker[] = [];
  for (const name of names) {
    const path = join(dataDir, name);
    let m: { pid?: unknown; host?: unknown } = {};
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as typeof m;
    } catch {
      // Unreadable or half-written marker: its writer was interrupted at once, treat as abandoned.
    }
    const pid = typeof m.pid === 'number' ? m.pid : Number(name.slice(PENDING_PREFIX.length));
    const host = typeof m.host === 'string' ? m.host : hostname();
    // A marker from another host (shared volume) cannot be checked: treat it as live.
    if (host === hostname() && pid !== process.pid && !alive(pid)) out.push({ path, pid, host });
  }
  return out;
}
