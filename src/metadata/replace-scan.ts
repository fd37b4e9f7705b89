/** `occurrences:replaceScan`: one scan's notes and occurrences replace the previous scan of a resource atomically. */
import { sql, type SqlBool } from 'kysely';
import { PortcullisError, type AuditContentRef } from '../core/index.js';
import { checkId, formatParent, type Parent } from './names.js';
import { parseNoteInput, parseOccurrenceInput, type ProtoObject } from './proto-json.js';
import { tryKind } from './kinds.js';
import { ADVISORY_LOCKS } from '../store/index.js';
import { type Db, type WriteContext, at, audit, jsonb, wrote } from './service-base.js';
import { requireNotes } from './notes.js';
import { occurrenceValues } from './occurrences.js';

export const MAX_SCAN = 20_000;

/** The kinds a scan writes and, by default, replaces. */
export const SCAN_KINDS = ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'] as const;

export const REPLACE_FIELDS = ['resourceUri', 'notesProject', 'kinds', 'notes', 'occurrences'];
export const INSERT_CHUNK = 1000;

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
    await sql`select pg_advisory_xact_lock(${sql.lit(ADVISORY_LOCKS.replaceScan)}, hashtext(${`${parent.project}|${parent.location}|${notesProject}|${resourceUri}`}))`.execute(
      trx,
    );
    let notesCreated: string[] = [];
    const content: AuditContentRef[] = [];
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
            missing.slice(i, i + INSERT_CHUNK).map((n) => ({
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
