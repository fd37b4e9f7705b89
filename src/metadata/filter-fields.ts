/**
 * The filterable fields of occurrences and notes, as SQL over their tables. The occurrence
 * expressions are those the indexes of migration 0006-filters-occurrence-indexes are built on
 * (`resource_uri collate "C"`, `split_part(note_name, …)`, …), and `name` and `noteProjectId`
 * equalities become conditions on indexed columns.
 */
import { sql, type SqlBool } from 'kysely';
import type { FilterFields } from './filter-sql.js';
import { KINDS, NOTE_DETAIL_FIELDS, OCCURRENCE_DETAIL_FIELDS } from './kinds.js';
import { isValidId, tryParseName } from './names.js';

const NAME_PREFIX = `'projects/' || project || case when location = '' then '' else '/locations/' || location end`;

/** `name = "projects/P[/locations/L]/occurrences/ID"` as the unique key's columns. */
function byName(collection: 'notes' | 'occurrences', idColumn: string) {
  return (value: string) => {
    const n = tryParseName(value, collection);
    if (!n) return sql<SqlBool>`false`;
    return sql<SqlBool>`(project = ${n.project} and location = ${n.location} and ${sql.ref(idColumn)} = ${n.id})`;
  };
}

/** `noteProjectId = "P"`: note names start with `projects/P/`, a range on the C-collated index. */
function byNoteProject(value: string) {
  if (!isValidId(value)) return sql<SqlBool>`false`;
  const from = `projects/${value}/`;
  const to = `projects/${value}0`; // '0' follows '/'
  return sql<SqlBool>`(note_name collate "C" >= ${from} and note_name collate "C" < ${to} and split_part(note_name, '/', 2) = ${value})`;
}

/** Filterable fields of occurrences. */
export const OCCURRENCE_FILTER_FIELDS: FilterFields = {
  fields: {
    name: { type: 'string', sql: `(${NAME_PREFIX} || '/occurrences/' || occurrence_id)`, notNull: true, equals: byName('occurrences', 'occurrence_id') },
    kind: { type: 'kind', sql: 'kind', notNull: true },
    resourceUri: { type: 'string', sql: 'resource_uri collate "C"', notNull: true },
    noteName: { type: 'string', sql: 'note_name collate "C"', notNull: true },
    noteProjectId: { type: 'string', sql: `split_part(note_name, '/', 2)`, notNull: true, equals: byNoteProject },
    // Ids cannot hold '/': the part after '/notes/' is the note id (cheaper than a regexp).
    noteId: { type: 'string', sql: `split_part(note_name, '/notes/', 2)`, notNull: true },
    remediation: { type: 'string', sql: `(body ->> 'remediation')` },
    createTime: { type: 'timestamp', sql: 'create_time', notNull: true },
    updateTime: { type: 'timestamp', sql: 'update_time', notNull: true },
  },
  // The details fields of every kind (from the kinds table), and the occurrence's envelope.
  jsonRoots: [...OCCURRENCE_DETAIL_FIELDS, 'envelope'],
  bodyColumn: 'body',
  kindOfRoot: Object.fromEntries(KINDS.flatMap((k) => (k.occurrenceField ? [[k.occurrenceField, k.kind]] : []))),
};

/** Filterable fields of notes. */
export const NOTE_FILTER_FIELDS: FilterFields = {
  fields: {
    name: { type: 'string', sql: `(${NAME_PREFIX} || '/notes/' || note_id)`, notNull: true, equals: byName('notes', 'note_id') },
    kind: { type: 'kind', sql: 'kind', notNull: true },
    shortDescription: { type: 'string', sql: `(body ->> 'shortDescription')` },
    longDescription: { type: 'string', sql: `(body ->> 'longDescription')` },
    createTime: { type: 'timestamp', sql: 'create_time', notNull: true },
    updateTime: { type: 'timestamp', sql: 'update_time', notNull: true },
    expirationTime: { type: 'timestamp', sql: `(body ->> 'expirationTime')::timestamptz` },
  },
  jsonRoots: [...NOTE_DETAIL_FIELDS],
  bodyColumn: 'body',
};
