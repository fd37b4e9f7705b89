/** The Grafeas note operations on the store (create, batchCreate, get, list, update, delete). */
import { sql, type SqlBool, type Transaction } from 'kysely';
import { PortcullisError } from '../core/index.js';
import type { Database } from '../store/index.js';
import { parseFilter } from './filter.js';
import { NOTE_FILTER_FIELDS } from './filter-fields.js';
import { filterToSql } from './filter-sql.js';
import { checkId, formatName, formatParent, parseName, type Parent, type ResourceName } from './names.js';
import { decodePageToken, encodePageToken, resolvePageSize } from './page-token.js';
import { applyMask, noteToJson, parseNoteInput, parseUpdateMask, type ProtoObject } from './proto-json.js';
import {
  type Db,
  type ListOptions,
  NOTE_IMMUTABLE,
  type NoteList,
  type WriteContext,
  at,
  audit,
  checkBatchSize,
  jsonb,
  notFound,
  wrote,
} from './service-base.js';

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

export async function findNote(db: Db | Transaction<Database>, name: ResourceName, forUpdate = false) {
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

export async function requireNotes(
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
