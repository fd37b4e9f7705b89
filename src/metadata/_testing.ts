/**
 * Test backends: the embedded PGlite and the machine's PostgreSQL (a database of our own, created
 * and dropped here). The PostgreSQL half is skipped, visibly, only when no server answers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/store.js';

export interface TestBackend {
  name: 'PGlite' | 'PostgreSQL';
  /** Opens a fresh, empty store; undefined when this backend is not available here. */
  open(): Promise<Store | undefined>;
  /** Drops what open() made. */
  cleanup(): void;
}

function psql(sqlText: string) {
  return spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sqlText], { encoding: 'utf8' });
}

let seq = 0;

/** Creates a PostgreSQL database for a test; undefined when no server answers. */
export function createPgDatabase(tag: string): { url: string; drop(): void } | undefined {
  const db = `portcullis_${tag}_${process.pid}_${seq++}`;
  if (psql(`create database ${db}`).status !== 0) return undefined;
  return { url: `postgres://postgres@127.0.0.1:5432/${db}`, drop: () => void psql(`drop database if exists ${db} with (force)`) };
}

export function testBackends(tag: string): TestBackend[] {
  const dirs: string[] = [];
  const dbs: { drop(): void }[] = [];
  return [
    {
      name: 'PGlite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), `portcullis-${tag}-`));
        dirs.push(dir);
        return openStore({ dataDir: join(dir, 'db') });
      },
      cleanup() {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: 'PostgreSQL',
      async open() {
        const made = createPgDatabase(tag);
        if (!made) return undefined;
        dbs.push(made);
        return openStore({ databaseUrl: made.url });
      },
      cleanup() {
        for (const d of dbs.splice(0)) d.drop();
      },
    },
  ];
}
