/**
 * The database: one connection to PGlite (embedded, in a data directory with its lock) or
 * PostgreSQL, the migration runner, the schema types, named advisory lock ids and notifications.
 * The drivers (PGlite, pg) load on first use; the CLI bundle loads this module's files only where
 * a command uses them (scripts/index-imports.mjs).
 *
 * The module's public surface: other modules import it through this file only.
 */
export { ADVISORY_LOCKS } from './advisory-locks.js';
export { defaultDataDir } from './data-dir.js';
export { liveHolder, StoreLockedError } from './lock.js';
export type { LockHolder, LockServerInfo } from './lock.js';
export type { Listener } from './notifications.js';
export type { Database, MetadataOccurrenceTable } from './schema.js';
export { openStore } from './store.js';
export type { Store, StoreOptions } from './store.js';
