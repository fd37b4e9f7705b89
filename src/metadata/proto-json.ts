/**
 * proto3 JSON mapping of Grafeas notes and occurrences: input keys may be the proto field names
 * (snake_case) or their lowerCamelCase JSON names; output is always lowerCamelCase. Validates
 * kind ↔ details field, and keeps the server-assigned fields (name, kind, times) out of the
 * stored body.
 */
import { PortcullisError, isRecord } from '../core/index.js';
import { KINDS, NOTE_DETAIL_FIELDS, OCCURRENCE_DETAIL_FIELDS, tryKind, type KindInfo } from './kinds.js';
import { tryParseName } from './names.js';
import { NOTE_NUMBER_PATHS, numbersFromText, OCCURRENCE_NUMBER_PATHS } from './proto-numbers.js';
import { formatIssues, noteSchema, NOTE_DETAIL_SCHEMAS, occurrenceSchema, OCCURRENCE_DETAIL_SCHEMAS } from './schema.js';

export type ProtoObject = Record<string, unknown>;

/** Fields whose values are maps or google.protobuf.Struct/Any: their keys are data, not field names. */
const FREE_FORM = new Set(['buildOptions', 'environment', 'parameters', 'arguments', 'externalParameters', 'internalParameters', 'digest', 'annotations', 'labels', 'predicate', 'customValues']);

export function snakeToCamel(key: string): string {
  return key.replace(/(?<=[A-Za-z0-9])_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function invalid(message: string, hint?: string): never {
  throw new PortcullisError({ code: 'METADATA_INVALID', message, ...(hint ? { hint } : {}) });
}

/** Renames snake_case keys to lowerCamelCase, recursively, refusing a field given under both names. */
export function normalizeKeys(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((v, i) => normalizeKeys(v, `${path}[${i}]`));
  if (!isRecord(value)) return value;
  const out: ProtoObject = {};
  for (const [key, v] of Object.entries(value)) {
    const k = key.startsWith('@') ? key : snakeToCamel(key);
    if (Object.hasOwn(out, k)) invalid(`Field "${path ? `${path}.` : ''}${k}" is given twice (as "${key}" and in another spelling)`);
    // defineProperty: a "__proto__" key stays data (and is refused as an unknown field), never a prototype.
    Object.defineProperty(out, k, { value: FREE_FORM.has(k) ? v : normalizeKeys(v, path ? `${path}.${k}` : k), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function detailsOf(obj: ProtoObject, fields: readonly string[]): string[] {
  return fields.filter((f) => obj[f] !== undefined);
}

function resolveKind(what: 'note' | 'occurrence', obj: ProtoObject, fields: readonly string[], fieldOf: (k: KindInfo) => string | undefined): KindInfo {
  const present = detailsOf(obj, fields);
  if (present.length > 1) invalid(`A ${what} carries one kind of details, got ${present.map((f) => `"${f}"`).join(' and ')}`);
  let declared: KindInfo | undefined;
  if (obj.kind !== undefined && obj.kind !== 'NOTE_KIND_UNSPECIFIED' && obj.kind !== 0) {
    declared = tryKind(obj.kind);
    if (!declared) invalid(`Unknown kind ${JSON.stringify(obj.kind)}`, `Use one of ${KINDS.map((k) => k.kind).join(', ')}.`);
  }
  const field = present[0];
  const byField = field === undefined ? undefined : KINDS.find((k) => fieldOf(k) === field);
  if (declared && byField && declared !== byField) invalid(`Kind ${declared.kind} does not match the details field "${field}" (kind ${byField.kind})`, declared && fieldOf(declared) ? `A ${declared.kind} ${what} carries "${fieldOf(declared)}".` : undefined);
  const kind = declared ?? byField;
  if (!kind) invalid(`A ${what} needs its kind: set "kind" or one details field (${fields.join(', ')})`);
  return kind;
}

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, value: unknown, what: string, prefix = ''): T {
  const r = schema.safeParse(value);
  if (!r.success) invalid(`Invalid ${what}: ${formatIssues(r.error, prefix)}`);
  return r.data;
}

function stripServerFields(obj: ProtoObject): ProtoObject {
  const { name: _n, kind: _k, createTime: _c, updateTime: _u, ...rest } = obj;
  return rest;
}

export interface NoteInput {
  kind: string;
  /** The note less its server-assigned fields. */
  body: ProtoObject;
}

/** Validates a Note from a request body (after `normalizeKeys`). */
export function parseNoteInput(raw: unknown): NoteInput {
  if (!isRecord(raw)) invalid('A note must be a JSON object');
  const obj = numbersFromText(normalizeKeys(raw) as ProtoObject, NOTE_NUMBER_PATHS);
  check(noteSchema, obj, 'note');
  const kind = resolveKind('note', obj, NOTE_DETAIL_FIELDS, (k) => k.noteField);
  const body = stripServerFields(obj);
  if (body[kind.noteField] === undefined) body[kind.noteField] = {};
  const detailSchema = NOTE_DETAIL_SCHEMAS[kind.noteField];
  if (detailSchema) check(detailSchema, body[kind.noteField], 'note', kind.noteField);
  return { kind: kind.kind, body };
}

export interface OccurrenceInput {
  kind: string;
  resourceUri: string;
  noteName: string;
  body: ProtoObject;
}

/**
 * Validates an Occurrence. With `partial`, `resourceUri` and `noteName` may be left out (an
 * update keeps the stored ones); otherwise both are required.
 */
export function parseOccurrenceInput(raw: unknown, opts: { partial?: boolean } = {}): OccurrenceInput {
  if (!isRecord(raw)) invalid('An occurrence must be a JSON object');
  const obj = numbersFromText(normalizeKeys(raw) as ProtoObject, OCCURRENCE_NUMBER_PATHS);
  check(occurrenceSchema, obj, 'occurrence');
  const kind = resolveKind('occurrence', obj, OCCURRENCE_DETAIL_FIELDS, (k) => k.occurrenceField);
  const resourceUri = typeof obj.resourceUri === 'string' ? obj.resourceUri : '';
  const noteName = typeof obj.noteName === 'string' ? obj.noteName : '';
  if (!opts.partial && !resourceUri) invalid('An occurrence needs "resourceUri"', 'The URI of the artifact, e.g. https://registry.example/app@sha256:….');
  if (!opts.partial && !noteName) invalid('An occurrence needs "noteName"', 'The note it is an instance of: projects/PROVIDER/notes/NOTE.');
  if (noteName && !tryParseName(noteName, 'notes')) invalid(`Invalid noteName "${noteName}"`, 'Expected projects/PROVIDER/notes/NOTE.');
  const { resourceUri: _r, noteName: _nn, ...body } = stripServerFields(obj);
  if (kind.occurrenceField) {
    if (body[kind.occurrenceField] === undefined) body[kind.occurrenceField] = {};
    const detailSchema = OCCURRENCE_DETAIL_SCHEMAS[kind.occurrenceField];
    if (detailSchema) check(detailSchema, body[kind.occurrenceField], 'occurrence', kind.occurrenceField);
  }
  return { kind: kind.kind, resourceUri, noteName, body };
}

/** Parses a FieldMask (`a.b,c` in JSON and query strings; snake_case accepted). */
export function parseUpdateMask(mask: string | undefined): string[][] | undefined {
  if (mask === undefined || mask.trim() === '') return undefined;
  return mask.split(',').map((p) => {
    const path = p.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) invalid(`Invalid updateMask path "${path}"`);
    return path.split('.').map(snakeToCamel);
  });
}

function getPath(obj: ProtoObject, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function setPath(obj: ProtoObject, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!isRecord(cur[p])) cur[p] = {};
    cur = cur[p] as ProtoObject;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/**
 * The stored object with the masked paths taken from `patch` (a path absent from the patch is
 * cleared), as a whole new object to validate again.
 */
export function applyMask(stored: ProtoObject, patch: unknown, mask: string[][], immutable: readonly string[]): ProtoObject {
  if (!isRecord(patch)) invalid('The update body must be a JSON object');
  const p = normalizeKeys(patch) as ProtoObject;
  const out = structuredClone(stored);
  for (const path of mask) {
    if (immutable.includes(path[0]!)) invalid(`Field "${path.join('.')}" cannot be updated`, `Immutable or output-only fields: ${immutable.join(', ')}.`);
    setPath(out, path, structuredClone(getPath(p, path)));
  }
  return out;
}

export interface NoteRow {
  project: string;
  location: string;
  note_id: string;
  kind: string;
  body: unknown;
  create_time: Date | string;
  update_time: Date | string;
}

export interface OccurrenceRow {
  project: string;
  location: string;
  occurrence_id: string;
  kind: string;
  resource_uri: string;
  note_name: string;
  body: unknown;
  create_time: Date | string;
  update_time: Date | string;
}

function iso(t: Date | string): string {
  return (t instanceof Date ? t : new Date(t)).toISOString();
}

function parseBody(b: unknown): ProtoObject {
  return (typeof b === 'string' ? JSON.parse(b) : b) as ProtoObject;
}

function prefix(project: string, location: string): string {
  return location ? `projects/${project}/locations/${location}` : `projects/${project}`;
}

/** The proto3 JSON of a stored note. */
export function noteToJson(r: NoteRow): ProtoObject {
  return { name: `${prefix(r.project, r.location)}/notes/${r.note_id}`, ...parseBody(r.body), kind: r.kind, createTime: iso(r.create_time), updateTime: iso(r.update_time) };
}

/** The proto3 JSON of a stored occurrence. */
export function occurrenceToJson(r: OccurrenceRow): ProtoObject {
  return { name: `${prefix(r.project, r.location)}/occurrences/${r.occurrence_id}`, ...parseBody(r.body), resourceUri: r.resource_uri, noteName: r.note_name, kind: r.kind, createTime: iso(r.create_time), updateTime: iso(r.update_time) };
}
