/**
 * When each advisory source was last confirmed current (imported, or answered 304), from the store.
 */
import type { Store } from '../store/index.js';
import type { SourceTimes } from './freshness.js';

/** Import and last-check times of every source. */
export async function loadSourceTimes(store: Store): Promise<SourceTimes[]> {
  const rows = await store.db.selectFrom('advisory_sources').select(['id', 'imported_at', 'checked_at']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, importedAt: new Date(r.imported_at), checkedAt: r.checked_at ? new Date(r.checked_at) : null }));
}
