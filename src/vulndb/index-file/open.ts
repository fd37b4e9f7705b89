/**
 * Advisory data for a scan. On the embedded store a scan reads the advisory index file and never
 * starts the database; when the index is missing (a data directory from before the index),
 * damaged, of another format or store, or possibly older than the store (an import ended
 * without updating it), the store is opened once to rebuild it. If it cannot be written (a
 * read-only data directory) the scan queries the store instead and says so in one line.
 * With PostgreSQL (`--database-url`) scans query the database: it is already running, and
 * its indexed lookups are as fast as the file.
 */
import { defaultDataDir, type Store, type StoreOptions } from '../../store/index.js';
import type { AdvisoryData } from '../store-index.js';
import { IndexUnusable } from './format.js';
import { abandonedMarkers, clearPending, indexPathOf, storeIdOf } from './files.js';
import { AdvisoryIndexFile } from './read.js';

export interface AdvisorySource {
  data: AdvisoryData;
  /** What answered: the index file, or the database itself. */
  via: 'index' | 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface OpenAdvisoryOptions extends StoreOptions {
  /** One-line statements for the user (index built or rebuilt, store queried instead). */
  onNote?: (note: string) => void;
}

/** Set to `0` to make scans query the store even when an index exists (diagnostics, benchmarks). */
export const INDEX_ENV = 'PORTCULLIS_ADVISORY_INDEX';

// The database, its SQL and the index builder load only when a scan needs them: the common path
// (a current index) reads one file and loads no database code at all.
async function openStore(opts: StoreOptions): Promise<Store> {
  return (await import('../../store/index.js')).openStore(opts);
}

async function fromStore(store: Store): Promise<AdvisorySource> {
  const { storeAdvisoryData } = await import('../store-data.js');
  return { data: storeAdvisoryData(store), via: store.kind, close: () => store.close() };
}

function fromFile(file: AdvisoryIndexFile): AdvisorySource {
  return {
    data: file,
    via: 'index',
    close: async () => file.close(),
  };
}

/** Opens the index of an embedded data directory if it can be used as it is. */
export function openCurrentIndex(dataDir: string): AdvisoryIndexFile {
  const storeId = storeIdOf(dataDir);
  if (!storeId) throw new IndexUnusable('missing', `"${dataDir}" holds no embedded database yet`);
  const file = AdvisoryIndexFile.open(indexPathOf(dataDir), { storeId });
  if (abandonedMarkers(dataDir).length > 0) {
    file.close();
    throw new IndexUnusable('stale', 'an advisory import ended without updating the index');
  }
  return file;
}

export async function openAdvisorySource(opts: OpenAdvisoryOptions = {}): Promise<AdvisorySource> {
  const env = opts.env ?? process.env;
  if (opts.databaseUrl ?? env.PORTCULLIS_DATABASE_URL) return fromStore(await openStore(opts));
  const dataDir = opts.dataDir ?? defaultDataDir(env);
  if (env[INDEX_ENV] === '0') return fromStore(await openStore(opts));
  let why: IndexUnusable;
  try {
    return fromFile(openCurrentIndex(dataDir));
  } catch (err) {
    if (!(err instanceof IndexUnusable)) throw err;
    why = err;
  }
  const store = await openStore({ ...opts, dataDir });
  try {
    const abandoned = abandonedMarkers(dataDir);
    const { buildAdvisoryIndex } = await import('./build.js');
    const header = await buildAdvisoryIndex(store, dataDir);
    for (const m of abandoned) clearPending(m);
    const file = openCurrentIndex(dataDir);
    await store.close();
    // A new, empty data directory gets its (empty) index silently; anything else is said once.
    if (why.reason !== 'missing') opts.onNote?.(`rebuilt the advisory index: ${why.message}`);
    else if (header.coverage.osReleases.length + header.coverage.osvEcosystems.length > 0) opts.onNote?.(`built the advisory index of "${dataDir}" (once; later scans read it without starting the database)`);
    return fromFile(file);
  } catch (err) {
    // Whatever kept the index from being written (a read-only directory, a full disk), the
    // store is open: answer from it, slower, and say so.
    opts.onNote?.(`advisory index not usable and not writable (${(err as Error).message}): matching from the database, which is slower`);
    return fromStore(store);
  }
}
