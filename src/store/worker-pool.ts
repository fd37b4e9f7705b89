/**
 * A pg.Pool-shaped adapter over PGlite running on a worker thread (`store-worker.js`, beside the
 * bundled CLI). Same contract as `PGlitePool`: one connection, handed to one client at a time;
 * queries go to the worker in order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

interface QueryResultLike {
  rows: unknown[];
  rowCount: number;
  command: string;
}

interface Reply {
  id: number;
  rows?: unknown[];
  affectedRows?: number;
  closed?: boolean;
  error?: Record<string, unknown>;
}

function toError(plain: Record<string, unknown>): Error {
  const err = new Error(String(plain.message ?? 'database error'));
  for (const [k, v] of Object.entries(plain)) if (k !== 'message' && k !== 'stack') (err as unknown as Record<string, unknown>)[k] = v;
  return err;
}

/** The worker script next to this module, when this module runs from the bundle. */
export function storeWorkerUrl(): URL | undefined {
  if (process.env.PORTCULLIS_STORE_WORKER === '0') return undefined;
  const url = new URL('./store-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

export class WorkerPGlitePool {
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(toError(m.error));
      else p.resolve(m);
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The database worker stopped (exit ${code})`)));
  }

  /** Starts the worker and waits until the database is open. */
  static start(dir: string, url: URL): Promise<WorkerPGlitePool> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(url, { workerData: { dir } });
      const onMessage = (m: { type?: string; error?: Record<string, unknown> }) => {
        if (m.type === 'ready') {
          cleanup();
          resolve(new WorkerPGlitePool(worker));
        } else if (m.type === 'open-error') {
          cleanup();
          void worker.terminate();
          reject(toError(m.error ?? {}));
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`The database worker stopped while opening (exit ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  private send(msg: Record<string, unknown>): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  async connect(): Promise<{ query(sql: string, params?: unknown[]): Promise<QueryResultLike>; release(): void }> {
    let release!: () => void;
    const prev = this.queue;
    this.queue = new Promise<void>((r) => (release = r));
    await prev;
    return {
      query: async (sql: string, params: unknown[] = []) => {
        const res = await this.send({ type: 'query', sql, params });
        const rows = res.rows ?? [];
        const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
        return { rows, rowCount: res.affectedRows ?? rows.length, command };
      },
      release,
    };
  }

  async end(): Promise<void> {
    await this.queue;
    if (!this.failure) await this.send({ type: 'close' }).catch(() => undefined);
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
