/**
 * The Grafeas v1 operations on the store, one function per RPC of `service Grafeas`
 * (proto/v1/grafeas.proto). Every write runs in one transaction together with its record in the
 * audit log (`WriteContext.record`), so a batch and its audit entry commit or roll back as one.
 * Authorisation is the caller's, except `canUseNotesOf`, asked here when an occurrence attaches
 * to a note of another project.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool, type Transaction } from 'kysely';
import { PortcullisError } from '../core/errors.js';
import type { Database, MetadataOccurrenceTable } from '../store/schema.js';
import { filterToSql, NOTE_FILTER_FIELDS, OCCURRENCE_FILTER_FIELDS, parseFilter } from './filter.js';
import { checkId, formatName, formatParent, parseName, type Parent, type ResourceName } from './names.js';
import { decodePageToken, encodePageToken, resolvePageSize } from './page-token.js';
import {
  applyMask,
  noteToJson,
  occurrenceToJson,
  parseNoteInput,
  parseOccurrenceInput,
  parseUpdateMask,
  type ProtoObject,
} from './proto-json.js';
import { tryKind } from './kinds.js';
import { SEVERITIES } from './schema.js';

export type Db = Kysely<Database>;

export const MAX_BATCH = 1000;

/** A row a write left (as stored after it) or deleted: the audit entry binds its digest. */
export interface WrittenRow {
  collection: 'notes' | 'occurrences';
  row: Record<string, unknown>;
  deleted?: boolean;
}

/** What the audit log is told about a write. */
export interface WriteRecord {
  actor: string;
  action: string;
  resource: string;
  outcome: 'ok';
  remote?: string;
  detail?: Record<string, unknown>;
  content?: WrittenRow[];
}

export interface WriteContext {
  /** Who writes: a token id, `cli`, … */
  actor: string;
  remote?: string;
  now?: () => Date;
  /** Called inside the write's transaction. */
  record?: (trx: Transaction<Database>, entry: WriteRecord) => Promise<unknown>;
  /**
   * The audit entry as SQL common table expressions to run in the write's own statement, only
   * when the CTE named `guard` produced rows (the write happened): a single create is then one
   * statement, without a transaction around it. Its content rows are the values the statement
   * writes. Without it, `record` runs in a transaction.
   */
  recordInline?: (entry: WriteRecord, guard: string) => RawBuilder<unknown>;
  /** May the caller attach occurrences to notes of this project? Default: yes. */
  canUseNotesOf?: (project: string) => boolean;
  /** May the caller create notes in this project (`occurrences:replaceScan`)? Default: yes. */
  canWriteNotesOf?: (project: string) => boolean;
}

export interface ListOptions {
  filter?: string;
  pageSize?: number | string;
  pageToken?: string;
}

export interface NoteList {
  notes: ProtoObject[];
  nextPageToken: string;
}

export interface OccurrenceList {
  occurrences: ProtoObject[];
  nextPageToken: string;
}

const NOTE_IMMUTABLE = ['name', 'kind', 'createTime', 'updateTime'] as const;
const OCCURRENCE_IMMUTABLE = ['name', 'kind', 'resourceUri', 'noteName', 'createTime', 'updateTime'] as const;

function notFound(what: string, name: string): PortcullisError {
  return new PortcullisError({ code: 'METADATA_NOT_FOUND', message: `${what} "${name}" not found` });
}

async function audit(
  trx: Transaction<Database>,
  ctx: WriteContext,
  action: string,
  resource: string,
  detail: Record<string, unknown> | undefined,
  content: WrittenRow[],
): Promise<void> {
  if (!ctx.record) return;
  await ctx.record(trx, {
    actor: ctx.actor,
    action,
    resource,
    outcome: 'ok',
    ...(ctx.remote ? { remote: ctx.remote } : {}),
    ...(detail ? { detail } : {}),
    content,
  });
}

const wrote = (collection: WrittenRow['collection'], rows: readonly object[], deleted = false): WrittenRow[] =>
  rows.map((row) => ({ collection, row: row as Record<string, unknown>, ...(deleted ? { deleted } : {}) }));

function jsonb(v: unknown) {
  return sql`${JSON.stringify(v)}::jsonb`;
}

function checkBatchSize(what: string, n: number): void {
  if (n === 0)
    throw new PortcullisError({ code: 'METADATA_INVALID', message: `A batch needs at least one ${what}` });
  if (n > MAX_BATCH)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `A batch holds at most ${MAX_BATCH} ${what}s, got ${n}`,
      hint: 'Split it into several requests.',
    });
}

function at(
  what: string,
  i: number | string,
  fn: () => ProtoObject | ReturnType<typeof parseOccurrenceInput> | ReturnType<typeof parseNoteInput>,
) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PortcullisError && err.code === 'METADATA_INVALID')
      throw new PortcullisError({
        code: err.code,
        message: `${what} ${typeof i === 'number' ? `[${i}]` : `"${i}"`}: ${err.message}`,
        ...(err.hint ? { hint: err.hint } : {}),
      });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Notes

export async function createNote(
  db: Db,
  parent: Parent,
  noteId: string | undefined,
  raw: unknown,
  ctx: WriteContext,
): Promise<ProtoObject> {
  if (!noteId)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: 'Creating a note needs noteId',
      hint: 'POST …/notes?noteId=ID with the note as the body.',
    });
  checkId('note id', noteId);
  const input = parseNoteInput(raw);
  const now = (ctx.now ?? (() => new Date()))();
  const name = formatName({ ...parent, collection: 'notes', id: noteId });
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('metadata_notes')
      .values({
        project: parent.project,
        location: parent.location,
        note_id: noteId,
        kind: input.kind,
        body: jsonb(input.body),
        create_time: now,
        update_time: now,
      })
      .onConflict((oc) => oc.columns(['project', 'location', 'note_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw new PortcullisError({ code: 'METADATA_EXISTS', message: `Note "${name}" already exists` });
    await audit(trx, ctx, 'notes.create', name, { kind: input.kind }, wrote('notes', [row]));
    return noteToJson(row);
  });
}

/** `notes:batchCreate` with `{"notes": {"ID": Note, …}}`: all or none. */
export async function batchCreateNotes(
  db: Db,
  parent: Parent,
  raw: unknown,
  ctx: WriteContext,
): Promise<{ notes: ProtoObject[] }> {
  const notes = (raw as { notes?: unknown } | null)?.notes;
  if (typeof notes !== 'object' || notes === null || Array.isArray(notes))
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: 'notes:batchCreate needs "notes": an object of note id → note',
    });
  const unknownKeys = Object.keys(raw as object).filter((k) => k !== 'notes' && k !== 'parent');
  if (unknownKeys.length)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `Unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `"${k}"`).join(', ')} in notes:batchCreate`,
    });
  const entries = Object.entries(notes as Record<string, unknown>);
  checkBatchSize('note', entries.length);
  const inputs = entries.map(([id, n]) => {
    checkId('note id', id);
    return { id, ...(at('notes', id, () => parseNoteInput(n)) as ReturnType<typeof parseNoteInput>) };
  });
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('metadata_notes')
      .values(
        inputs.map((i) => ({
          project: parent.project,
          location: parent.location,
          note_id: i.id,
          kind: i.kind,
          body: jsonb(i.body),
          create_time: now,
          update_time: now,
        })),
      )
      .onConflict((oc) => oc.columns(['project', 'location', 'note_id']).doNothing())
      .returningAll()
      .execute();
    if (rows.length !== inputs.length) {
      const made = new Set(rows.map((r) => r.note_id));
      const existing = inputs
        .filter((i) => !made.has(i.id))
        .map((i) => formatName({ ...parent, collection: 'notes', id: i.id }));
      throw new PortcullisError({
        code: 'METADATA_EXISTS',
        message: `${existing.length} note${existing.length > 1 ? 's' : ''} already exist${existing.length > 1 ? '' : 's'}: ${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', …' : ''}`,
        hint: 'Nothing of the batch was written.',
      });
    }
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    await audit(
      trx,
      ctx,
      'notes.batchCreate',
      formatParent(parent),
      { count: rows.length, ids: inputs.map((i) => i.id) },
      wrote('notes', rows),
    );
    return { notes: rows.map(noteToJson) };
  });
}

async function findNote(db: Db | Transaction<Database>, name: ResourceName, forUpdate = false) {
  let q = db
    .selectFrom('metadata_notes')
    .selectAll()
    .where('project', '=', name.project)
    .where('location', '=', name.location)
    .where('note_id', '=', name.id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function getNote(db: Db, name: ResourceName): Promise<ProtoObject> {
  const row = await findNote(db, name);
  if (!row) throw notFound('Note', formatName(name));
  return noteToJson(row);
}

export async function listNotes(db: Db, parent: Parent, opts: ListOptions = {}): Promise<NoteList> {
  const size = resolvePageSize(opts.pageSize);
  const where = filterToSql(parseFilter(opts.filter), NOTE_FILTER_FIELDS);
  const scope = `notes|${formatParent(parent)}|${opts.filter ?? ''}`;
  const after = decodePageToken(opts.pageToken, scope);
  let q = db
    .selectFrom('metadata_notes')
    .selectAll()
    .where('project', '=', parent.project)
    .where('location', '=', parent.location)
    .where(where);
  if (after) q = q.where('seq', '>', after);
  const rows = await q
    .orderBy('seq')
    .limit(size + 1)
    .execute();
  const more = rows.length > size;
  const page = rows.slice(0, size);
  return {
    notes: page.map(noteToJson),
    nextPageToken: more ? encodePageToken(String(page[page.length - 1]!.seq), scope) : '',
  };
}

/** PATCH with an optional updateMask; without one the note is replaced (its kind stays). */
export async function updateNote(
  db: Db,
  name: ResourceName,
  raw: unknown,
  updateMask: string | undefined,
  ctx: WriteContext,
): Promise<ProtoObject> {
  const mask = parseUpdateMask(updateMask);
  const full = formatName(name);
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    const row = await findNote(trx, name, true);
    if (!row) throw notFound('Note', full);
    const stored = noteToJson(row);
    const merged = mask
      ? applyMask(stored, raw, mask, NOTE_IMMUTABLE)
      : ({ ...(raw as ProtoObject), kind: (raw as ProtoObject)?.kind ?? row.kind } as ProtoObject);
    const input = parseNoteInput(merged);
    if (input.kind !== row.kind)
      throw new PortcullisError({
        code: 'METADATA_INVALID',
        message: `The kind of note "${full}" is ${row.kind} and cannot change to ${input.kind}`,
      });
    const updated = await trx
      .updateTable('metadata_notes')
      .set({ body: jsonb(input.body), update_time: now })
      .where('seq', '=', row.seq)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      trx,
      ctx,
      'notes.update',
      full,
      mask ? { updateMask: mask.map((p) => p.join('.')) } : undefined,
      wrote('notes', [updated]),
    );
    return noteToJson(updated);
  });
}

export async function deleteNote(db: Db, name: ResourceName, ctx: WriteContext): Promise<void> {
  const full = formatName(name);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('metadata_notes')
      .where('project', '=', name.project)
      .where('location', '=', name.location)
      .where('note_id', '=', name.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Note', full);
    await audit(trx, ctx, 'notes.delete', full, undefined, wrote('notes', [row], true));
  });
}

// ---------------------------------------------------------------------------------------------
// Occurrences

async function requireNotes(
  trx: Transaction<Database>,
  noteNames: string[],
  ctx: WriteContext,
): Promise<void> {
  const names = [...new Set(noteNames)].map((n) => parseName(n, 'notes'));
  for (const n of names) {
    if (ctx.canUseNotesOf && !ctx.canUseNotesOf(n.project))
      throw new PortcullisError({
        code: 'PERMISSION_DENIED',
        message: `Not allowed to attach occurrences to notes of project "${n.project}" (${formatName(n)})`,
        hint: 'The token needs at least the viewer role on the note’s project.',
      });
  }
  const found = await trx
    .selectFrom('metadata_notes')
    .select(['project', 'location', 'note_id'])
    .where(
      sql<SqlBool>`(project, location, note_id) in (select x.project, x.location, x.note_id from jsonb_to_recordset(${JSON.stringify(names.map((n) => ({ project: n.project, location: n.location, note_id: n.id })))}::jsonb) as x(project text, location text, note_id text))`,
    )
    .execute();
  const have = new Set(found.map((r) => `${r.project}/${r.location}/${r.note_id}`));
  const missing = names.filter((n) => !have.has(`${n.project}/${n.location}/${n.id}`));
  if (missing.length)
    throw new PortcullisError({
      code: 'METADATA_NOT_FOUND',
      message: `Note${missing.length > 1 ? 's' : ''} ${missing
        .slice(0, 5)
        .map((n) => `"${formatName(n)}"`)
        .join(', ')} not found`,
      hint: 'Create the note before occurrences of it.',
    });
}

function occurrenceValues(parent: Parent, i: ReturnType<typeof parseOccurrenceInput>, now: Date) {
  return {
    project: parent.project,
    location: parent.location,
    occurrence_id: randomUUID(),
    kind: i.kind,
    resource_uri: i.resourceUri,
    note_name: i.noteName,
    body: jsonb(i.body),
    create_time: now,
    update_time: now,
  };
}

export async function createOccurrence(
  db: Db,
  parent: Parent,
  raw: unknown,
  ctx: WriteContext,
): Promise<ProtoObject> {
  const input = parseOccurrenceInput(raw);
  const now = (ctx.now ?? (() => new Date()))();
  if (ctx.recordInline) return createOccurrenceInline(db, parent, input, now, ctx, ctx.recordInline);
  return db.transaction().execute(async (trx) => {
    await requireNotes(trx, [input.noteName], ctx);
    const row = await trx
      .insertInto('metadata_occurrences')
      .values(occurrenceValues(parent, input, now))
      .returningAll()
      .executeTakeFirstOrThrow();
    const out = occurrenceToJson(row);
    await audit(
      trx,
      ctx,
      'occurrences.create',
      out.name as string,
      { kind: input.kind, resourceUri: input.resourceUri, noteName: input.noteName },
      wrote('occurrences', [row]),
    );
    return out;
  });
}

/** One statement: the insert (if the note exists) and its pending audit entry. */
async function createOccurrenceInline(
  db: Db,
  parent: Parent,
  input: ReturnType<typeof parseOccurrenceInput>,
  now: Date,
  ctx: WriteContext,
  recordInline: NonNullable<WriteContext['recordInline']>,
): Promise<ProtoObject> {
  const note = parseName(input.noteName, 'notes');
  if (ctx.canUseNotesOf && !ctx.canUseNotesOf(note.project))
    throw new PortcullisError({
      code: 'PERMISSION_DENIED',
      message: `Not allowed to attach occurrences to notes of project "${note.project}" (${formatName(note)})`,
      hint: 'The token needs at least the viewer role on the note’s project.',
    });
  const id = randomUUID();
  const name = formatName({ ...parent, collection: 'occurrences', id });
  const stored = {
    project: parent.project,
    location: parent.location,
    occurrence_id: id,
    kind: input.kind,
    resource_uri: input.resourceUri,
    note_name: input.noteName,
    body: input.body,
    create_time: now,
    update_time: now,
  };
  const entry: WriteRecord = {
    actor: ctx.actor,
    action: 'occurrences.create',
    resource: name,
    outcome: 'ok',
    ...(ctx.remote ? { remote: ctx.remote } : {}),
    detail: { kind: input.kind, resourceUri: input.resourceUri, noteName: input.noteName },
    content: wrote('occurrences', [stored]),
  };
  const r = await sql<Selectable<MetadataOccurrenceTable>>`with o as (
      insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
      select ${stored.project}, ${stored.location}, ${id}, ${stored.kind}, ${stored.resource_uri}, ${stored.note_name}, ${JSON.stringify(stored.body)}::jsonb, ${now}::timestamptz, ${now}::timestamptz
      where exists (select 1 from metadata_notes where project = ${note.project} and location = ${note.location} and note_id = ${note.id})
      returning *),
    ${recordInline(entry, 'o')}
    select * from o`.execute(db);
  const row = r.rows[0];
  if (!row)
    throw new PortcullisError({
      code: 'METADATA_NOT_FOUND',
      message: `Note "${formatName(note)}" not found`,
      hint: 'Create the note before occurrences of it.',
    });
  return occurrenceToJson(row);
}

/** `occurrences:batchCreate` with `{"occurrences": [Occurrence, …]}`: all or none. */
export async function batchCreateOccurrences(
  db: Db,
  parent: Parent,
  raw: unknown,
  ctx: WriteContext,
): Promise<{ occurrences: ProtoObject[] }> {
  const list = (raw as { occurrences?: unknown } | null)?.occurrences;
  if (!Array.isArray(list))
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: 'occurrences:batchCreate needs "occurrences": an array of occurrences',
    });
  const unknownKeys = Object.keys(raw as object).filter((k) => k !== 'occurrences' && k !== 'parent');
  if (unknownKeys.length)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `Unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `"${k}"`).join(', ')} in occurrences:batchCreate`,
    });
  checkBatchSize('occurrence', list.length);
  const inputs = list.map(
    (o, i) => at('occurrences', i, () => parseOccurrenceInput(o)) as ReturnType<typeof parseOccurrenceInput>,
  );
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    await requireNotes(
      trx,
      inputs.map((i) => i.noteName),
      ctx,
    );
    const rows = await trx
      .insertInto('metadata_occurrences')
      .values(inputs.map((i) => occurrenceValues(parent, i, now)))
      .returningAll()
      .execute();
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    await audit(
      trx,
      ctx,
      'occurrences.batchCreate',
      formatParent(parent),
      { count: rows.length, ids: rows.map((r) => r.occurrence_id) },
      wrote('occurrences', rows),
    );
    return { occurrences: rows.map(occurrenceToJson) };
  });
}

// ---------------------------------------------------------------------------------------------
// Portcullis extension: replace a scan's occurrences atomically

/** Most occurrences (and most notes) one `occurrences:replaceScan` may carry. */
export const MAX_SCAN = 20_000;

/** The kinds a scan writes and, by default, replaces. */
export const SCAN_KINDS = ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'] as const;

const REPLACE_FIELDS = ['resourceUri', 'notesProject', 'kinds', 'notes', 'occurrences'];
/** Fixed first key of the transaction-scoped advisory lock that serialises replaces of one resource. */
const REPLACE_LOCK = 727276;
const INSERT_CHUNK = 1000;

export interface ReplaceScanResult {
  resourceUri: string;
  notesProject: string;
  kinds: string[];
  deletedCount: number;
  createdCount: number;
  notesCreatedCount: number;
}

/**
 * `occurrences:replaceScan` (a Portcullis extension, not in Grafeas): in one transaction, deletes
 * the occurrences of `kinds` on `resourceUri` in the parent that are attached to notes of
 * `notesProject` (the scanner's provider project: what a previous replace wrote), creates the
 * `notes` that do not exist yet in `notesProject`, and inserts `occurrences`, which must all be
 * on that resource, of those kinds, and attached to notes of that project, so the next replace
 * removes exactly them. A reader's statement sees the old set or the new one, never a mixture;
 * concurrent replaces of one resource serialise on an advisory lock. One audit entry.
 */
export async function replaceScan(
  db: Db,
  parent: Parent,
  raw: unknown,
  ctx: WriteContext,
): Promise<ReplaceScanResult> {
  const req = raw as Record<string, unknown> | null;
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: 'occurrences:replaceScan needs a JSON object',
    });
  const unknownKeys = Object.keys(req).filter((k) => !REPLACE_FIELDS.includes(k));
  if (unknownKeys.length)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `Unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `"${k}"`).join(', ')} in occurrences:replaceScan`,
      hint: `Fields: ${REPLACE_FIELDS.join(', ')}.`,
    });
  const resourceUri = req.resourceUri;
  if (typeof resourceUri !== 'string' || resourceUri === '')
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: 'occurrences:replaceScan needs "resourceUri"',
      hint: 'The URI of the scanned artifact, e.g. https://registry.example/app@sha256:….',
    });
  const notesProject = req.notesProject === undefined ? parent.project : req.notesProject;
  if (typeof notesProject !== 'string')
    throw new PortcullisError({ code: 'METADATA_INVALID', message: '"notesProject" must be a project id' });
  checkId('notesProject', notesProject);
  const kinds = req.kinds === undefined ? [...SCAN_KINDS] : req.kinds;
  if (
    !Array.isArray(kinds) ||
    kinds.length === 0 ||
    kinds.some((k) => typeof k !== 'string' || !tryKind(k) || k === 'VULNERABILITY_ASSESSMENT')
  )
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: '"kinds" must be a non-empty list of occurrence kinds',
      hint: `Default: ${SCAN_KINDS.join(', ')}.`,
    });
  const kindSet = new Set(kinds as string[]);
  const list = req.occurrences ?? [];
  if (!Array.isArray(list))
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: '"occurrences" must be an array of occurrences',
    });
  if (list.length > MAX_SCAN)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `A scan holds at most ${MAX_SCAN} occurrences, got ${list.length}`,
    });
  const rawNotes = req.notes ?? {};
  if (typeof rawNotes !== 'object' || rawNotes === null || Array.isArray(rawNotes))
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: '"notes" must be an object of note id → note',
    });
  const noteEntries = Object.entries(rawNotes as Record<string, unknown>);
  if (noteEntries.length > MAX_SCAN)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `A scan holds at most ${MAX_SCAN} notes, got ${noteEntries.length}`,
    });
  const notes = noteEntries.map(([id, n]) => {
    checkId('note id', id);
    return { id, ...(at('notes', id, () => parseNoteInput(n)) as ReturnType<typeof parseNoteInput>) };
  });
  const notePrefix = `projects/${notesProject}/notes/`;
  const inputs = list.map((o, i) => {
    const withUri =
      typeof o === 'object' &&
      o !== null &&
      !Array.isArray(o) &&
      (o as ProtoObject).resourceUri === undefined &&
      (o as ProtoObject).resource_uri === undefined
        ? { ...(o as ProtoObject), resourceUri }
        : o;
    const input = at('occurrences', i, () => parseOccurrenceInput(withUri)) as ReturnType<
      typeof parseOccurrenceInput
    >;
    const bad = (why: string) =>
      new PortcullisError({
        code: 'METADATA_INVALID',
        message: `occurrences [${i}]: ${why}`,
        hint: 'Every occurrence of a scan is on its resourceUri, of one of its kinds, attached to a note of its notesProject.',
      });
    if (input.resourceUri !== resourceUri)
      throw bad(`resourceUri "${input.resourceUri}" is not the scan's "${resourceUri}"`);
    if (!kindSet.has(input.kind))
      throw bad(`kind ${input.kind} is not one of the scan's kinds (${[...kindSet].join(', ')})`);
    if (!input.noteName.startsWith(notePrefix))
      throw bad(`noteName "${input.noteName}" is not a note of project "${notesProject}"`);
    return input;
  });
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(REPLACE_LOCK)}, hashtext(${`${parent.project}|${parent.location}|${notesProject}|${resourceUri}`}))`.execute(
      trx,
    );
    let notesCreated: string[] = [];
    const content: WrittenRow[] = [];
    if (notes.length) {
      const existing = new Set<string>();
      for (let i = 0; i < notes.length; i += INSERT_CHUNK) {
        const ids = notes.slice(i, i + INSERT_CHUNK).map((n) => n.id);
        const rows = await trx
          .selectFrom('metadata_notes')
          .select('note_id')
          .where('project', '=', notesProject)
          .where('location', '=', '')
          .where('note_id', 'in', ids)
          .execute();
        for (const r of rows) existing.add(r.note_id);
      }
      const missing = notes.filter((n) => !existing.has(n.id));
      if (missing.length && ctx.canWriteNotesOf && !ctx.canWriteNotesOf(notesProject))
        throw new PortcullisError({
          code: 'PERMISSION_DENIED',
          message: `Not allowed to create notes in project "${notesProject}" (${missing.length} of the scan's notes are missing there)`,
          hint: 'The token needs the writer role on the notes project, or the notes must exist already.',
        });
      for (let i = 0; i < missing.length; i += INSERT_CHUNK) {
        const rows = await trx
          .insertInto('metadata_notes')
          .values(
            missing
              .slice(i, i + INSERT_CHUNK)
              .map((n) => ({
                project: notesProject,
                location: '',
                note_id: n.id,
                kind: n.kind,
                body: jsonb(n.body),
                create_time: now,
                update_time: now,
              })),
          )
          .onConflict((oc) => oc.columns(['project', 'location', 'note_id']).doNothing())
          .returningAll()
          .execute();
        notesCreated = notesCreated.concat(rows.map((r) => r.note_id));
        content.push(...wrote('notes', rows));
      }
    }
    if (inputs.length) {
      await requireNotes(
        trx,
        inputs.map((i) => i.noteName),
        ctx,
      );
    } else if (ctx.canUseNotesOf && !ctx.canUseNotesOf(notesProject)) {
      throw new PortcullisError({
        code: 'PERMISSION_DENIED',
        message: `Not allowed to use notes of project "${notesProject}"`,
      });
    }
    const deleted = await trx
      .deleteFrom('metadata_occurrences')
      .where('project', '=', parent.project)
      .where('location', '=', parent.location)
      .where('resource_uri', '=', resourceUri)
      .where('kind', 'in', [...kindSet])
      .where(sql<SqlBool>`starts_with(note_name, ${notePrefix})`)
      .returningAll()
      .execute();
    content.push(...wrote('occurrences', deleted, true));
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += INSERT_CHUNK) {
      const rows = await trx
        .insertInto('metadata_occurrences')
        .values(inputs.slice(i, i + INSERT_CHUNK).map((o) => occurrenceValues(parent, o, now)))
        .returningAll()
        .execute();
      for (const r of rows) ids.push(r.occurrence_id);
      content.push(...wrote('occurrences', rows));
    }
    const result: ReplaceScanResult = {
      resourceUri,
      notesProject,
      kinds: [...kindSet],
      deletedCount: deleted.length,
      createdCount: ids.length,
      notesCreatedCount: notesCreated.length,
    };
    await audit(
      trx,
      ctx,
      'occurrences.replaceScan',
      formatParent(parent),
      {
        resourceUri,
        notesProject,
        kinds: result.kinds,
        deleted: result.deletedCount,
        created: result.createdCount,
        ids,
        notesCreated,
      },
      content,
    );
    return result;
  });
}

async function findOccurrence(db: Db | Transaction<Database>, name: ResourceName, forUpdate = false) {
  let q = db
    .selectFrom('metadata_occurrences')
    .selectAll()
    .where('project', '=', name.project)
    .where('location', '=', name.location)
    .where('occurrence_id', '=', name.id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function getOccurrence(db: Db, name: ResourceName): Promise<ProtoObject> {
  const row = await findOccurrence(db, name);
  if (!row) throw notFound('Occurrence', formatName(name));
  return occurrenceToJson(row);
}

async function pageOccurrences(
  db: Db,
  scope: string,
  base: (q: ReturnType<typeof occurrencesQuery>) => ReturnType<typeof occurrencesQuery>,
  opts: ListOptions,
): Promise<OccurrenceList> {
  const size = resolvePageSize(opts.pageSize);
  const where = filterToSql(parseFilter(opts.filter), OCCURRENCE_FILTER_FIELDS);
  const after = decodePageToken(opts.pageToken, scope);
  let q = base(occurrencesQuery(db)).where(where);
  if (after) q = q.where('seq', '>', after);
  const rows = await q
    .orderBy('seq')
    .limit(size + 1)
    .execute();
  const more = rows.length > size;
  const page = rows.slice(0, size);
  return {
    occurrences: page.map(occurrenceToJson),
    nextPageToken: more ? encodePageToken(String(page[page.length - 1]!.seq), scope) : '',
  };
}

function occurrencesQuery(db: Db) {
  return db.selectFrom('metadata_occurrences').selectAll();
}

export async function listOccurrences(
  db: Db,
  parent: Parent,
  opts: ListOptions = {},
): Promise<OccurrenceList> {
  return pageOccurrences(
    db,
    `occurrences|${formatParent(parent)}|${opts.filter ?? ''}`,
    (q) => q.where('project', '=', parent.project).where('location', '=', parent.location),
    opts,
  );
}

/**
 * Occurrences of a note across projects. `projects` limits them to those the caller may read
 * (`'*'`: all).
 */
export async function listNoteOccurrences(
  db: Db,
  note: ResourceName,
  opts: ListOptions & { projects?: readonly string[] | '*' } = {},
): Promise<OccurrenceList> {
  const full = formatName(note);
  if (!(await findNote(db, note))) throw notFound('Note', full);
  const projects = opts.projects ?? '*';
  return pageOccurrences(
    db,
    `noteOccurrences|${full}|${opts.filter ?? ''}|${projects === '*' ? '*' : [...projects].sort().join(',')}`,
    (q) => {
      const byNote = q.where('note_name', '=', full);
      if (projects === '*') return byNote;
      if (projects.length === 0) return byNote.where(sql<SqlBool>`false`);
      return byNote.where('project', 'in', [...projects]);
    },
    opts,
  );
}

export async function updateOccurrence(
  db: Db,
  name: ResourceName,
  raw: unknown,
  updateMask: string | undefined,
  ctx: WriteContext,
): Promise<ProtoObject> {
  const mask = parseUpdateMask(updateMask);
  const full = formatName(name);
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    const row = await findOccurrence(trx, name, true);
    if (!row) throw notFound('Occurrence', full);
    const stored = occurrenceToJson(row);
    let merged: ProtoObject;
    if (mask) merged = applyMask(stored, raw, mask, OCCURRENCE_IMMUTABLE);
    else {
      const patch = parseOccurrenceInput(raw, { partial: true });
      for (const [field, was] of [
        ['resourceUri', row.resource_uri],
        ['noteName', row.note_name],
      ] as const) {
        const given = field === 'resourceUri' ? patch.resourceUri : patch.noteName;
        if (given && given !== was)
          throw new PortcullisError({
            code: 'METADATA_INVALID',
            message: `Field "${field}" of occurrence "${full}" is immutable`,
          });
      }
      merged = { ...patch.body, kind: patch.kind, resourceUri: row.resource_uri, noteName: row.note_name };
    }
    const input = parseOccurrenceInput(merged);
    if (input.kind !== row.kind)
      throw new PortcullisError({
        code: 'METADATA_INVALID',
        message: `The kind of occurrence "${full}" is ${row.kind} and cannot change to ${input.kind}`,
      });
    const updated = await trx
      .updateTable('metadata_occurrences')
      .set({ body: jsonb(input.body), update_time: now })
      .where('seq', '=', row.seq)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      trx,
      ctx,
      'occurrences.update',
      full,
      mask ? { updateMask: mask.map((p) => p.join('.')) } : undefined,
      wrote('occurrences', [updated]),
    );
    return occurrenceToJson(updated);
  });
}

export async function deleteOccurrence(db: Db, name: ResourceName, ctx: WriteContext): Promise<void> {
  const full = formatName(name);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('metadata_occurrences')
      .where('project', '=', name.project)
      .where('location', '=', name.location)
      .where('occurrence_id', '=', name.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Occurrence', full);
    await audit(trx, ctx, 'occurrences.delete', full, undefined, wrote('occurrences', [row], true));
  });
}

/** The note an occurrence is attached to (which may belong to another project). */
export async function getOccurrenceNote(db: Db, name: ResourceName): Promise<ProtoObject> {
  const occ = await findOccurrence(db, name);
  if (!occ) throw notFound('Occurrence', formatName(name));
  return getNote(db, parseName(occ.note_name, 'notes'));
}

/** The project of the note an occurrence is attached to (for authorisation of `…/notes`). */
export async function occurrenceNoteName(db: Db, name: ResourceName): Promise<ResourceName> {
  const occ = await findOccurrence(db, name);
  if (!occ) throw notFound('Occurrence', formatName(name));
  return parseName(occ.note_name, 'notes');
}

export interface FixableTotalByDigest {
  resourceUri: string;
  severity: string;
  /** int64: a string in proto3 JSON. */
  fixableCount: string;
  totalCount: string;
}

/**
 * `occurrences:vulnerabilitySummary`: per resource and effective severity, how many
 * vulnerability occurrences there are and how many are fixable; the SEVERITY_UNSPECIFIED row of
 * each resource is its total across severities.
 */
export async function vulnerabilitySummary(
  db: Db,
  parent: Parent,
  opts: { filter?: string } = {},
): Promise<{ counts: FixableTotalByDigest[] }> {
  const where = filterToSql(parseFilter(opts.filter), OCCURRENCE_FILTER_FIELDS);
  const severity = sql<string>`coalesce(nullif(body #>> '{vulnerability,effectiveSeverity}', ''), nullif(body #>> '{vulnerability,severity}', ''), 'SEVERITY_UNSPECIFIED')`;
  const rows = await db
    .selectFrom('metadata_occurrences')
    .select([
      'resource_uri',
      severity.as('severity'),
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where (body #>> '{vulnerability,fixAvailable}') = 'true')`.as('fixable'),
    ])
    .where('project', '=', parent.project)
    .where('location', '=', parent.location)
    .where('kind', '=', 'VULNERABILITY')
    .where(where)
    .groupBy(['resource_uri', sql`2`])
    .execute();
  const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const byResource = new Map<string, { total: number; fixable: number; rows: FixableTotalByDigest[] }>();
  for (const r of rows) {
    const e = byResource.get(r.resource_uri) ?? { total: 0, fixable: 0, rows: [] };
    e.total += Number(r.total);
    e.fixable += Number(r.fixable);
    if (r.severity !== 'SEVERITY_UNSPECIFIED')
      e.rows.push({
        resourceUri: r.resource_uri,
        severity: r.severity,
        fixableCount: String(r.fixable),
        totalCount: String(r.total),
      });
    byResource.set(r.resource_uri, e);
  }
  const counts: FixableTotalByDigest[] = [];
  for (const uri of [...byResource.keys()].sort()) {
    const e = byResource.get(uri)!;
    counts.push({
      resourceUri: uri,
      severity: 'SEVERITY_UNSPECIFIED',
      fixableCount: String(e.fixable),
      totalCount: String(e.total),
    });
    counts.push(...e.rows.sort((a, b) => rank(b.severity) - rank(a.severity)));
  }
  return { counts };
}
