/**
 * The Grafeas v1 operations on the store, one function per RPC of `service Grafeas`
 * (proto/v1/grafeas.proto). Every write runs in one transaction together with its record in the
 * audit log (`WriteContext.record`), so a batch and its audit entry commit or roll back as one.
 * Authorisation is the caller's, except `canUseNotesOf`, asked here when an occurrence attaches
 * to a note of another project.
 */
export { MAX_BATCH } from './service-base.js';
export type {
  Db,
  WriteContext,
  ListOptions,
  NoteList,
  OccurrenceList,
} from './service-base.js';
export { createNote, batchCreateNotes, getNote, listNotes, updateNote, deleteNote } from './notes.js';
export {
  createOccurrence,
  batchCreateOccurrences,
  getOccurrence,
  listOccurrences,
  listNoteOccurrences,
  updateOccurrence,
  deleteOccurrence,
  getOccurrenceNote,
  occurrenceNoteName,
} from './occurrences.js';
export { MAX_SCAN, SCAN_KINDS, replaceScan } from './replace-scan.js';
export type { ReplaceScanResult } from './replace-scan.js';
export { vulnerabilitySummary } from './vulnerability-summary.js';
export type { FixableTotalByDigest } from './vulnerability-summary.js';
