/** Grafeas v1-compatible notes and occurrences on the store. */
export { KINDS, KIND_NAMES, tryKind, type KindInfo } from './kinds.js';
export { formatName, formatParent, parseName, tryParseName, checkId, type Parent, type ResourceName } from './names.js';
export { parseFilter, type FilterNode } from './filter.js';
export { filterToSql, type FilterFields } from './filter-sql.js';
export { NOTE_FILTER_FIELDS, OCCURRENCE_FILTER_FIELDS } from './filter-fields.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-token.js';
export { normalizeKeys, parseNoteInput, parseOccurrenceInput, type ProtoObject } from './proto-json.js';
export * from './service.js';
export { NOTE_DETAIL_FIELDS, OCCURRENCE_DETAIL_FIELDS } from './kinds.js';
export { isValidId } from './names.js';
export { checkJson, checkStorable } from './storable.js';
