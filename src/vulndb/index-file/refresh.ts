/**
 * The write side: every command that changes an embedded store's advisories (`db import`,
 * `db update`, `db update --from`) runs inside `withIndexRefresh`. A marker says "the store is
 * changing" while it runs; afterwards the index is rebuilt from the store and renamed into
 * place, and the marker removed. A scan meanwhile reads the previous index (consistent: the
 * store as it was before the command); if the command dies in between, its marker outlives it
 * and the next scan rebuilds the index instead of trusting it.
 */
import type { Store } from '../../store/index.js';
import { buildAdvisoryIndex, storeGeneration } from './build.js';
import { IndexUnusable } from './format.js';
import { abandonedMarkers, clearPending, indexPathOf, markPending, storeIdOf } from './files.js';
import { openCurrentIndex } from './open.js';

export async function withIndexRefresh<T>(store: Store, fn: () => Promise<T>, opts: { onWarning?: (message: string) => void } = {}): Promise<T> {
  if (store.kind !== 'pglite') return fn();
  const marker = markPending(store.location);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // The command may have changed some sources before failing (`db update`): index what is there.
    await buildAdvisoryIndex(store).then(
      () => clearPending(marker),
      () => undefined,
    );
    throw err;
  }
  try {
    await buildAdvisoryIndex(store);
    clearPending(marker);
  } catch (err) {
    opts.onWarning?.(`the advisory index could not be written (${(err as Error).message}); the next scan rebuilds it`);
  }
  return result;
}

export type IndexState = { state: 'current' | 'rebuilt'; path: string; builtAt: string; reason?: string } | { state: 'not-used'; reason: string };

/**
 * Checks an embedded store's index against the store itself (its identity and the generation of
 * its sources, which only the database knows) and rebuilds it when it does not match: this
 * catches changes a scan cannot see, e.g. an import by an older Portcullis.
 */
export async function ensureCurrentIndex(store: Store): Promise<IndexState> {
  if (store.kind !== 'pglite') return { state: 'not-used', reason: 'PostgreSQL is queried directly' };
  let reason: string;
  try {
    const file = openCurrentIndex(store.location);
    const h = file.header;
    file.close();
    if (h.generation === (await storeGeneration(store)) && h.storeId === storeIdOf(store.location)) return { state: 'current', path: indexPathOf(store.location), builtAt: h.builtAt };
    reason = 'the store changed after the index was written';
  } catch (err) {
    if (!(err instanceof IndexUnusable)) throw err;
    reason = err.message;
  }
  const abandoned = abandonedMarkers(store.location);
  const h = await buildAdvisoryIndex(store);
  for (const m of abandoned) clearPending(m);
  return { state: 'rebuilt', path: indexPathOf(store.location), builtAt: h.builtAt, reason };
}
