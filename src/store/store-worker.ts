/**
 * The embedded database on a worker thread: PGlite starts (WebAssembly set-up and PostgreSQL's own
 * start) beside the main thread, so a scan reads its layers while the store opens. Queries arrive
 * one at a time from `WorkerPGlitePool`; rows and errors go back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

interface QueryMessage {
  type: 'query';
  id: number;
  sql: string;
  params: unknown[];
}
interface CloseMessage {
  type: 'close';
  id: number;
}

/** An error as plain data: message and every own field (PostgreSQL's `code`, `detail`, …). */
function plainError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { message: err.message, name: err.name };
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
}

const port = parentPort!;
let pg: PGlite;
try {
  pg = await PGlite.create((workerData as { dir: string }).dir);
  port.postMessage({ type: 'ready' });
} catch (err) {
  port.postMessage({ type: 'open-error', error: plainError(err) });
  port.close();
  throw err;
}

port.on('message', (m: QueryMessage | CloseMessage) => {
  if (m.type === 'close') {
    pg.close().then(
      () => port.postMessage({ id: m.id, closed: true }),
      (err: unknown) => port.postMessage({ id: m.id, error: plainError(err) }),
    );
    return;
  }
  pg.query(m.sql, m.params, { rowMode: 'object' }).then(
    (res) => port.postMessage({ id: m.id, rows: res.rows, affectedRows: res.affectedRows }),
    (err: unknown) => port.postMessage({ id: m.id, error: plainError(err) }),
  );
});
