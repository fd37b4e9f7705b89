/**
 * The scan use cases: an image, a directory, a root filesystem or an SBOM through catalog,
 * advisory matching, secret and configuration scanners into one report; the layer cache; progress
 * events; pushing results to a metadata server.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { defaultCacheDir } from './cache.js';
export { analyseTarget, catalogTarget } from './catalog-target.js';
export type { AnalysedTarget, CatalogTargetOptions } from './catalog-target.js';
export type { ProgressEvent, ProgressListener } from './progress.js';
export type { PushTls } from './push-client.js';
export { buildScanRecord, DEFAULT_NOTES_PROJECT, normalizeFingerprint, pushResourceUri, pushScan } from './push.js';
export type { PushResult } from './push.js';
export { uriOf } from './resource-uri.js';
export { runConfigScan, runImageConfigScan } from './run-config.js';
export { runScan, SCAN_TARGET_KINDS } from './run.js';
export type { ScanReport, ScanTargetKind } from './run.js';
export { SCANNERS } from './scanners.js';
export type { ScannerSelection } from './scanners.js';
