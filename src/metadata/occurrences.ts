/** The Grafeas occurrence operations on the store (create, batchCreate, get, list, update, delete, the note of an occurrence). */
import { type AuditEntry, PortcullisError } from '../core/index.js';
import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { Database, MetadataOccurrenceTable } from '../store/index.js';
import { parseFilter } from './filter.js';
import { OCCURRENCE_FILTER_FIELDS } from './filter-fields.js';
import { filterToSql } from './filter-sql.js';
import { formatName, formatParent, parseName, type Parent, type ResourceName } from './names.js';
import { decodePageToken, encodePageToken, resolvePageSize } from './page-token.js';
import {
  applyMask,
  occurrenceToJson,
  parseOccurrenceInput,
  parseUpdateMask,
  type ProtoObject,
} from './proto-json.js';
import {
  type Db,
  type ListOptions,
  OCCURRENCE_IMMUTABLE,
  type OccurrenceList,
  type WriteContext,
  at,
  audit,
  checkBatchSize,
  jsonb,
  notFound,
  wrote,
} from './service-base.js';
import { findNote, getNote, requireNotes } from './notes.js';

export function occurrenceValues(parent: Parent, i: ReturnType<typeof parseOccurrenceInput>, now: Date) {
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
export async function createOccurrenceInline(
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
  const entry: AuditEntry = {
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

export async function findOccurrence(db: Db | Transaction<Database>, name: ResourceName, forUpdate = false) {
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

export async function pageOccurrences(
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

export function occurrencesQuery(db: Db) {
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
