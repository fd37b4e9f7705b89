/** Grafeas v1-compatible notes and occurrences on the store. */
export { KINDS, KIND_NAMES, tryKind, type KindInfo } from './kinds.js';
export { formatName, formatParent, parseName, tryParseName, checkId, type Parent, type ResourceName } from './names.js';
export { parseFilter, filterToSql, NOTE_FILTER_FIELDS, OCCURRENCE_FILTER_FIELDS, type FilterNode, type FilterFields } from './filter.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-token.js';
export { normalizeKeys, parseNoteInput, parseOccurrenceInput, type ProtoObject } from './proto-json.js';
export * from './service.js';
