/** What every Grafeas operation on the store shares: the write context with its audit record, list options, error and batch helpers. */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { type AuditContentRef, type AuditEntry, PortcullisError } from '../core/index.js';
import type { Database } from '../store/index.js';
import { parseNoteInput, parseOccurrenceInput, type ProtoObject } from './proto-json.js';

export type Db = Kysely<Database>;

export const MAX_BATCH = 1000;

export interface WriteContext {
  /** Who writes: a token id, `cli`, … */
  actor: string;
  remote?: string;
  now?: () => Date;
  /** Called inside the write's transaction. */
  record?: (trx: Transaction<Database>, entry: AuditEntry) => Promise<unknown>;
  /**
   * The audit entry as SQL common table expressions to run in the write's own statement, only
   * when the CTE named `guard` produced rows (the write happened): a single create is then one
   * statement, without a transaction around it. Its content rows are the values the statement
   * writes. Without it, `record` runs in a transaction.
   */
  recordInline?: (entry: AuditEntry, guard: string) => RawBuilder<unknown>;
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

export const NOTE_IMMUTABLE = ['name', 'kind', 'createTime', 'updateTime'] as const;
export const OCCURRENCE_IMMUTABLE = [
  'name',
  'kind',
  'resourceUri',
  'noteName',
  'createTime',
  'updateTime',
] as const;

export function notFound(what: string, name: string): PortcullisError {
  return new PortcullisError({ code: 'METADATA_NOT_FOUND', message: `${what} "${name}" not found` });
}

export async function audit(
  trx: Transaction<Database>,
  ctx: WriteContext,
  action: string,
  resource: string,
  detail: Record<string, unknown> | undefined,
  content: AuditContentRef[],
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

export const wrote = (
  collection: AuditContentRef['collection'],
  rows: readonly object[],
  deleted = false,
): AuditContentRef[] =>
  rows.map((row) => ({ collection, row: row as Record<string, unknown>, ...(deleted ? { deleted } : {}) }));

export function jsonb(v: unknown) {
  return sql`${JSON.stringify(v)}::jsonb`;
}

export function checkBatchSize(what: string, n: number): void {
  if (n === 0)
    throw new PortcullisError({ code: 'METADATA_INVALID', message: `A batch needs at least one ${what}` });
  if (n > MAX_BATCH)
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `A batch holds at most ${MAX_BATCH} ${what}s, got ${n}`,
      hint: 'Split it into several requests.',
    });
}

export function at(
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
