/**
 * The database: embedded PGlite in a data directory by default, or PostgreSQL with
 * `--database-url` / PORTCULLIS_DATABASE_URL. One SQL dialect for both; migrations run on open
 * under an advisory lock, so several processes may start at once on PostgreSQL. An embedded data
 * directory is checked first (data-dir.ts) and owned by one process at a time (lock.ts).
 */
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import { PortcullisError, redactUrl } from '../core/index.js';
import { MIGRATIONS } from './migrations.js';
import { ADVISORY_LOCKS } from './advisory-locks.js';
import { checkDatabaseUrl } from './database-url.js';
import { defaultDataDir, prepareDataDir, writeMarker } from './data-dir.js';
import { acquireStoreLock, type StoreLock } from './lock.js';
import { listenPostgres, type ListenHandlers, type Listener } from './notifications.js';
import type { Database } from './schema.js';
import { storeWorkerUrl } from './worker-pool.js';

export interface StoreOptions {
  dataDir?: string;
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** What the lock of an embedded store names as its owner, e.g. `server`, `db import`. */
  command?: string;
}

export interface Store {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  location: string;
  /** The embedded store's lock (this process owns the data directory while the store is open). */
  lock?: StoreLock;
  /**
   * PostgreSQL only: LISTEN on `channel` over a connection of its own (notifications.ts), for
   * caches that writes of other processes invalidate. Closed with the store.
   */
  listen?(channel: string, handlers: ListenHandlers): Listener;
  close(): Promise<void>;
}

export { defaultDataDir } from './data-dir.js';

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const env = opts.env ?? process.env;
  const url = opts.databaseUrl ?? env.PORTCULLIS_DATABASE_URL;
  let db: Kysely<Database>;
  let kind: Store['kind'];
  let location: string;
  let lock: StoreLock | undefined;
  if (url) {
    checkDatabaseUrl(url);
    const pg = await import('pg');
    const Pool = (pg.default ?? pg).Pool;
    const pool = new Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000 });
    try {
      const c = await pool.connect();
      c.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new PortcullisError({ code: 'DATABASE_UNAVAILABLE', message: `Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, hint: 'Check --database-url / PORTCULLIS_DATABASE_URL, or omit it to use the embedded database.', cause: err });
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
    location = redactUrl(url);
  } else {
    const dir = opts.dataDir ?? defaultDataDir(env);
    prepareDataDir(dir);
    lock = await acquireStoreLock(dir, opts.command ?? 'process');
    const held = lock;
    const unavailable = (err: unknown) => {
      held.release();
      return new PortcullisError({ code: 'DATABASE_UNAVAILABLE', message: `Cannot open the embedded database in "${dir}": ${(err as Error).message}`, hint: 'It may be damaged or from another PostgreSQL version; use another --data-dir or a PostgreSQL --database-url.', cause: err });
    };
    let pool: unknown;
    // From the bundled CLI the database runs on a worker thread (it starts beside the caller's
    // work); from sources (tests) in this thread.
    const workerUrl = storeWorkerUrl();
    if (workerUrl) {
      const { WorkerPGlitePool } = await import('./worker-pool.js');
      pool = await WorkerPGlitePool.start(dir, workerUrl).catch((err: unknown) => {
        throw unavailable(err);
      });
    } else {
      const { PGlite } = await import('@electric-sql/pglite');
      const { PGlitePool } = await import('./pglite-pool.js');
      try {
        pool = new PGlitePool(await PGlite.create(dir));
      } catch (err) {
        throw unavailable(err);
      }
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as never }) });
    kind = 'pglite';
    location = dir;
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    lock?.release();
    throw err;
  }
  if (lock) writeMarker(location);
  const owned = lock;
  const listeners = new Set<Listener>();
  return {
    db,
    kind,
    location,
    ...(owned ? { lock: owned } : {}),
    ...(url
      ? {
          listen: (channel: string, handlers: ListenHandlers) => {
            const l = listenPostgres(url, channel, handlers);
            listeners.add(l);
            return {
              get up() {
                return l.up;
              },
              close: () => {
                listeners.delete(l);
                return l.close();
              },
            };
          },
        }
      : {}),
    close: async () => {
      try {
        await Promise.all([...listeners].map((l) => l.close()));
        await db.destroy();
      } finally {
        owned?.release();
      }
    },
  };
}

/** True when every migration this build knows has been applied (the common case: one cheap query). */
async function isCurrent(db: Kysely<Database>): Promise<boolean> {
  const names = Object.keys(MIGRATIONS).sort();
  try {
    const r = await sql<{ n: string | number }>`select count(*) as n from kysely_migration where name in (${sql.join(names)})`.execute(db);
    return Number(r.rows[0]?.n) === names.length;
  } catch {
    return false;
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  if (await isCurrent(db)) return;
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${ADVISORY_LOCKS.migrations})`.execute(conn);
    try {
      const { error, results } = await new Migrator({ db: conn, provider: new StaticProvider() }).migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error || failed) {
        throw new PortcullisError({ code: 'DATABASE_UNAVAILABLE', message: `Database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`, hint: 'The database may be from a newer Portcullis; use a matching version or a new --data-dir.' });
      }
    } finally {
      await sql`select pg_advisory_unlock(${ADVISORY_LOCKS.migrations})`.execute(conn);
    }
  });
}
