/**
 * Advisory data: sources (OSV, Debian tracker, Alpine secdb), import, export and update of the
 * store, the advisory index file, coverage and freshness, VEX, ignore filters and the matcher.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { assessCoverage, coverageNotes, dataPresenceOf, isDatabaseEmptyFor, languageEcosystemsOf } from './coverage.js';
export type { DataPresence } from './coverage.js';
export { isUrl } from './download.js';
export { exportStore } from './export.js';
export { filterFindings, loadIgnoreFile } from './filter.js';
export type { IgnoreRule } from './filter.js';
export { DEFAULT_MAX_AGE_DAYS, formatAge, lastConfirmed, staleWarning, tryParseMaxAge } from './freshness.js';
export type { SourceTimes } from './freshness.js';
export { importInput } from './import.js';
export type { ImportInputOptions, ImportReport } from './import.js';
export { ensureCurrentIndex, withIndexRefresh } from './index-file/index.js';
export { openAdvisorySource } from './index-file/open.js';
export type { AdvisorySource } from './index-file/open.js';
export { matchCatalog, releaseOf } from './match.js';
export { loadIndexFor, loadIndexFrom } from './store-index.js';
export { checkMirror, planUpdate, runUpdate } from './update.js';
export { applyVex, loadVexFile } from './vex.js';
export type { VexStatement } from './vex.js';
