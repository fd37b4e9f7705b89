/**
 * What the store holds, for coverage and freshness: which language ecosystems have OSV data
 * (one indexed `limit 1` look-up each), with the OS releases taken from the advisory index the
 * scan already loaded, and when each source was last confirmed current.
 */
import type { CatalogResult } from '../core/types.js';
import type { Store } from '../store/store.js';
import { languageEcosystemsOf, type DataPresence } from './coverage.js';
import type { SourceTimes } from './freshness.js';
import type { AdvisoryIndex } from './match.js';

/** Data presence for the ecosystems of `result`: language ecosystems from the store, OS from `index`. */
export async function loadDataPresence(store: Store, result: CatalogResult, index: Pick<AdvisoryIndex, 'hasOsData' | 'hasOsvData'>): Promise<DataPresence> {
  const present = new Set<string>();
  for (const eco of languageEcosystemsOf(result)) {
    // osv_packages keys ecosystems by their lower-cased base name (`pypi`, `crates.io`).
    const row = await store.db.selectFrom('osv_packages').select('advisory_id').where('ecosystem', '=', eco.toLowerCase()).limit(1).executeTakeFirst();
    if (row) present.add(eco);
  }
  return {
    hasLanguageData: (eco) => present.has(eco),
    hasOsData: (distro, release) => index.hasOsData(distro, release),
    hasOsvData: (eco) => index.hasOsvData(eco),
  };
}

/** Import and last-check times of every source. */
export async function loadSourceTimes(store: Store): Promise<SourceTimes[]> {
  const rows = await store.db.selectFrom('advisory_sources').select(['id', 'imported_at', 'checked_at']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, importedAt: new Date(r.imported_at), checkedAt: r.checked_at ? new Date(r.checked_at) : null }));
}
