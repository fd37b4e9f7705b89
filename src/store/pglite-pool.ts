/**
 * A pg.Pool-shaped adapter over one embedded PGlite instance, so Kysely's PostgresDialect (and
 * all our SQL) runs unchanged on the embedded default. PGlite has one connection: `connect()`
 * hands it out to one client at a time.
 */
import type { PGlite } from '@electric-sql/pglite';

interface QueryResultLike {
  rows: unknown[];
  rowCount: number;
  command: string;
}

export class PGlitePool {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly pg: PGlite) {}

  async connect(): Promise<{ query(sql: string, params?: unknown[]): Promise<QueryResultLike>; release(): void }> {
    let release!: () => void;
    const prev = this.queue;
    this.queue = new Promise<void>((r) => (release = r));
    await prev;
    const pg = this.pg;
    return {
      async query(sql: string, params: unknown[] = []) {
        const res = await pg.query(sql, params, { rowMode: 'object' });
        const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
        return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length, command };
      },
      release,
    };
  }

  async end(): Promise<void> {
    await this.queue;
    await this.pg.close();
  }
}
