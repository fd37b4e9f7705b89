/**
 * `scan … --push URL`: a scan as Grafeas occurrences on the image's resource URI — one DISCOVERY,
 * one PACKAGE per package, one VULNERABILITY per finding — with the notes they reference (one
 * per vulnerability id, one per package, one for the scan), sent in one
 * `occurrences:replaceScan` request (a Portcullis extension of the metadata server) so a
 * re-scan replaces the previous one atomically. See docs/metadata-server.md.
 */
export { DEFAULT_NOTES_PROJECT, SCAN_NOTE_ID, noteIdOf, buildScanRecord } from './grafeas-record.js';
export type { ScanRecord, BuildScanRecordOptions } from './grafeas-record.js';
export { resourceUriOf, pushResourceUri } from './resource-uri.js';
export { normalizeFingerprint, pushScan } from './push-client.js';
export type { PushTls, PushOptions, PushResult } from './push-client.js';
