/**
 * The embedded database's directory, checked before anything is written there: it must be a
 * directory we may write, and either empty (a new database) or already an embedded PostgreSQL
 * data directory (PG_VERSION, base/, global/), which gets our marker file. Anything else — a
 * regular file, an unrelated non-empty directory, a path under /proc — is an input error, never
 * a database created among someone else's files.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PortcullisError } from '../core/index.js';

/** Our marker: written into a data directory once it holds a Portcullis database. */
export const MARKER_FILE = 'portcullis-store.json';
/** Our own entries besides the database's files (the lock and its takeover guards, the TLS folder of `server`). */
const OWN_ENTRY = /^(portcullis-store\.json|portcullis\.lock(\..*)?|tls)$/;
/** What an embedded PostgreSQL data directory holds at its top (PGlite writes the same layout as initdb). */
const PG_FILES = ['PG_VERSION', 'base', 'global'];

function invalid(dir: string, message: string, hint: string, cause?: unknown): PortcullisError {
  return new PortcullisError({ code: 'DATA_DIR_INVALID', message: `--data-dir "${dir}": ${message}`, hint, ...(cause ? { cause } : {}) });
}

const HINT = 'Pass --data-dir an empty or new directory, or one that already holds a Portcullis database (or use --database-url).';

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw Object.assign(new Error(`a parent of "${p}" is not a directory`), { code });
    throw err;
  }
}

/**
 * `mkdir -p` one level at a time (Node's recursive mkdir loops forever on some pseudo file
 * systems, e.g. /proc): each missing component is created under a parent that exists.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    const st = statOrUndefined(p);
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`"${p}" is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(m).isDirectory()) throw err;
    }
  }
}

export type DataDirState = 'new' | 'database';

/** Checks (creating it when missing) the data directory; says whether it is new or holds a database. */
export function prepareDataDir(dir: string): DataDirState {
  const st = (() => {
    try {
      return statOrUndefined(dir);
    } catch (err) {
      throw invalid(dir, (err as Error).message, HINT, err);
    }
  })();
  if (st && !st.isDirectory()) throw invalid(dir, 'is a file, not a directory', HINT);
  if (!st) {
    try {
      makeDirs(dir);
    } catch (err) {
      throw invalid(dir, `cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, HINT, err);
    }
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw invalid(dir, `not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'Use a directory this user may write, or fix its permissions.', err);
  }
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw invalid(dir, `cannot list it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, HINT, err);
  }
  const foreign = entries.filter((e) => !OWN_ENTRY.test(e));
  if (foreign.length === 0) return 'new';
  // (PGlite keeps a postmaster.pid there too, so it cannot tell a PostgreSQL server's directory apart.)
  if (PG_FILES.every((f) => entries.includes(f))) return 'database';
  const shown = foreign.slice(0, 3).map((e) => `"${e}"`).join(', ');
  throw invalid(dir, `is not empty and holds no Portcullis database (it contains ${shown}${foreign.length > 3 ? `, and ${foreign.length - 3} more` : ''})`, HINT);
}

/** Writes the marker after the database opened (idempotent; failures are not fatal). */
export function writeMarker(dir: string): void {
  try {
    writeFileSync(join(dir, MARKER_FILE), `${JSON.stringify({ kind: 'portcullis-embedded-store', format: 1 })}\n`, { flag: 'wx', mode: 0o644 });
  } catch {
    // Already there, or a read-only moment: the PostgreSQL layout still identifies the directory.
  }
}

/** Where the embedded store lives by default (no database code here: cheap to import). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PORTCULLIS_DATA_DIR) return env.PORTCULLIS_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'portcullis', 'db');
}
