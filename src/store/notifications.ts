/**
 * PostgreSQL LISTEN on a connection of its own, kept up: for in-memory caches that writes by
 * other processes (other replicas, the CLI with --database-url) must invalidate. Notifications
 * are delivered only while the connection is up, so the owner is told when it goes down (treat
 * every cached value as stale from then on) and when it is up again (LISTEN acknowledged).
 *
 * A silently dead connection (no RST) is noticed by a heartbeat query with a deadline.
 */
import type { Client, Notification } from 'pg';

export interface ListenHandlers {
  /** A NOTIFY on the channel, with its payload ('' when none). */
  onNotify(payload: string): void;
  /** The LISTEN is in place: notifications sent from now on arrive. */
  onUp(): void;
  /** The connection is gone (notifications may be missed until onUp). */
  onDown(err?: unknown): void;
}

export interface Listener {
  /** Whether the LISTEN is in place right now. */
  readonly up: boolean;
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Delay before a reconnect; default 1 s. */
  retryMs?: number;
  /** How often the connection is probed, and the probe's deadline; default 5 s. */
  heartbeatMs?: number;
}

/** The application_name of listening connections (pg_stat_activity). */
export const LISTEN_APPLICATION = 'portcullis-listen';

/** `"name"` quoted as an SQL identifier (LISTEN takes no parameter). */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Listens on `channel` of the PostgreSQL at `url` until closed, reconnecting as needed. */
export function listenPostgres(url: string, channel: string, handlers: ListenHandlers, opts: ListenOptions = {}): Listener {
  const retryMs = opts.retryMs ?? 1000;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  let client: Client | undefined;
  let up = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const down = (c: Client, err?: unknown) => {
    if (client !== c) return;
    client = undefined;
    clearInterval(heartbeat);
    c.end().catch(() => undefined);
    if (up) {
      up = false;
      handlers.onDown(err);
    }
    if (!closed) {
      retry = setTimeout(connect, retryMs);
      retry.unref();
    }
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const pg = await import('pg');
    const c = new (pg.default ?? pg).Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true, application_name: LISTEN_APPLICATION });
    client = c;
    c.on('error', (err) => down(c, err));
    c.on('end', () => down(c));
    c.on('notification', (n: Notification) => {
      if (n.channel === channel && client === c) handlers.onNotify(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      down(c, err);
      return;
    }
    if (client !== c || closed) return;
    up = true;
    handlers.onUp();
    heartbeat = setInterval(() => {
      const timer = setTimeout(() => down(c, new Error('heartbeat timed out')), heartbeatMs);
      timer.unref();
      c.query('select 1').then(
        () => clearTimeout(timer),
        (err: unknown) => {
          clearTimeout(timer);
          down(c, err);
        },
      );
    }, heartbeatMs);
    heartbeat.unref();
  }

  void connect();
  return {
    get up() {
      return up;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const c = client;
      client = undefined;
      up = false;
      await c?.end().catch(() => undefined);
    },
  };
}
