/**
 * The audit log: append-only and hash-chained, bound to stored content. Entry n carries the
 * SHA-256 of entry n-1 (`prevHash`) and its own hash over a canonical JSON of its fields, so an
 * altered entry breaks its own hash, an inserted or deleted one breaks the numbering and the
 * chain, and a head row (the newest n and hash) catches entries cut from the end. A write's entry
 * also binds, per resource row it left or deleted, that row's canonical digest (content.ts), and
 * verification re-reads the current rows against the newest digest the chain holds for each.
 *
 * Appends are group-committed: a write adds its entry to `audit_pending` (with its content links)
 * inside its own transaction, without a lock, so the write and its audit entry commit or roll
 * back as one and concurrent writes never wait on each other; the linker (linker.ts) then appends
 * pending entries to the chain many at a time under one advisory lock, so several server replicas
 * on one PostgreSQL extend one chain. Reading or verifying the log links what is pending first.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../store/index.js';
import type { AuditEntry, AuditOutcome } from '../core/index.js';
import { contentHash, contentHashSql, linkOf } from './content.js';
import { GENESIS_HASH, hashEntry } from './hash.js';
import { linkPending } from './linker.js';
import type { AuditProblem } from './problems.js';
import { verifyContent } from './verify-content.js';

export interface AuditRecord extends Omit<AuditEntry, 'content'> {
  n: number;
  /** ISO-8601 time of the append. */
  at: string;
  prevHash: string;
  hash: string;
  /** The entry's id (shared with its content links); absent on entries from before content binding. */
  entryId?: number;
  /** SHA-256 over the entry's content links; null when it wrote no content. */
  contentHash?: string | null;
}

/** An entry as appended: pending until the linker gives it a number (then n and hash are set). */
export interface AppendedAudit extends Omit<AuditEntry, 'content'> {
  entryId: number;
  at: string;
  contentHash: string | null;
  n?: number;
  hash?: string;
}

export { GENESIS_HASH, hashEntry };

type Db = Kysely<Database> | Transaction<Database>;

interface PendingSql {
  at: string;
  contentHash: string | null;
  /** `audit_p as (insert … returning id)[, audit_r as (insert into audit_resources …)]`. */
  ctes: RawBuilder<unknown>;
}

/** The CTEs that add one pending entry (and its links); `guard`: only if that CTE has rows. */
function pendingSql(e: AuditEntry, now: () => Date, guard?: string): PendingSql {
  const links = (e.content ?? []).map(linkOf);
  const ch = contentHash(links);
  const at = now().toISOString();
  const detail = e.detail === undefined ? null : JSON.stringify(e.detail);
  const values = sql`${at}, ${e.actor}, ${e.action}, ${e.resource}, ${e.outcome}, ${e.remote ?? null}, ${detail}::jsonb, ${ch}`;
  const pending = guard
    ? sql`audit_p as (insert into audit_pending (at, actor, action, resource, outcome, remote, detail, content_hash) select ${values} where exists (select 1 from ${sql.id(guard)}) returning id)`
    : sql`audit_p as (insert into audit_pending (at, actor, action, resource, outcome, remote, detail, content_hash) values (${values}) returning id)`;
  const ctes = links.length
    ? sql`${pending}, audit_r as (insert into audit_resources (entry_id, ord, collection, project, location, rid, digest, deleted)
        select audit_p.id, x.ord, x.collection, x.project, x.location, x.rid, x.digest, x.deleted
        from audit_p, jsonb_to_recordset(${JSON.stringify(links.map((l, ord) => ({ ord, ...l })))}::jsonb)
          as x(ord integer, collection text, project text, location text, rid text, digest text, deleted boolean))`
    : pending;
  return { at, contentHash: ch, ctes };
}

/**
 * An entry as common table expressions for the write's own statement (`with o as (insert …),
 * <these> select … from o`): the entry is added, pending, only when the CTE `guard` has rows, in
 * the same statement and so the same atomic unit as the write. The linker chains it later.
 */
export function pendingAuditCtes(entry: AuditEntry, guard: string, opts: { now?: () => Date } = {}): RawBuilder<unknown> {
  return pendingSql(entry, opts.now ?? (() => new Date()), guard).ctes;
}

async function insertPending(trx: Transaction<Database>, entries: readonly AuditEntry[], now: () => Date): Promise<AppendedAudit[]> {
  const out: AppendedAudit[] = [];
  for (const e of entries) {
    const p = pendingSql(e, now);
    const rows = await sql<{ id: string }>`with ${p.ctes} select id from audit_p`.execute(trx);
    const { content: _c, ...rest } = e;
    out.push({ ...rest, entryId: Number(rows.rows[0]!.id), at: p.at, contentHash: p.contentHash });
  }
  return out;
}

/**
 * Appends entries. Given a transaction, they are pending entries of it: they commit or roll back
 * with it (a write and its audit entry are one unit) and are linked into the chain after it
 * commits. Given the database, they are committed and linked before this returns.
 */
export async function appendAudit(db: Db, entry: AuditEntry | readonly AuditEntry[], opts: { now?: () => Date } = {}): Promise<AppendedAudit[]> {
  const entries: readonly AuditEntry[] = Array.isArray(entry) ? entry : [entry as AuditEntry];
  const now = opts.now ?? (() => new Date());
  if (db.isTransaction) return insertPending(db as Transaction<Database>, entries, now);
  const appended = await (db as Kysely<Database>).transaction().execute((trx) => insertPending(trx, entries, now));
  await linkPending(db);
  const ids = appended.map((a) => String(a.entryId));
  const linked = ids.length ? await db.selectFrom('audit_log').select(['entry_id', 'n', 'hash']).where('entry_id', 'in', ids).execute() : [];
  const byId = new Map(linked.map((r) => [Number(r.entry_id), r]));
  return appended.map((a) => {
    const r = byId.get(a.entryId);
    return r ? { ...a, n: Number(r.n), hash: r.hash } : a;
  });
}

type LogRow = { n: string | number; at: string; actor: string; action: string; resource: string; outcome: string; remote: string | null; detail: unknown; prev_hash: string; hash: string; entry_id: string | number | null; content_hash: string | null };

export function toRecord(r: LogRow): AuditRecord {
  const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : (r.detail as Record<string, unknown> | null);
  return {
    n: Number(r.n),
    at: r.at,
    actor: r.actor,
    action: r.action,
    resource: r.resource,
    outcome: r.outcome as AuditOutcome,
    prevHash: r.prev_hash,
    hash: r.hash,
    ...(r.remote !== null ? { remote: r.remote } : {}),
    ...(detail !== null && detail !== undefined ? { detail } : {}),
    ...(r.entry_id !== null && r.entry_id !== undefined ? { entryId: Number(r.entry_id), contentHash: r.content_hash } : {}),
  };
}

async function* pages(db: Db, since: number, page: number, withContent: boolean): AsyncGenerator<LogRow & { content_actual?: string | null }> {
  let after = since;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll();
    if (withContent) q = q.select(contentHashSql(sql.ref('audit_log.entry_id')).as('content_actual')) as typeof q;
    const rows = (await q.where('n', '>', String(after) as never).orderBy('n').limit(page).execute()) as (LogRow & { content_actual?: string | null })[];
    yield* rows;
    if (rows.length < page) return;
    after = Number(rows[rows.length - 1]!.n);
  }
}

/**
 * Streams the log in order, a page at a time (keyset on n). Pending entries are linked first
 * (`link: false` reads only what is linked already).
 */
export async function* readAudit(db: Db, opts: { since?: number; pageSize?: number; link?: boolean } = {}): AsyncGenerator<AuditRecord> {
  if (opts.link !== false) await linkPending(db);
  for await (const r of pages(db, opts.since ?? 0, opts.pageSize ?? 5000, false)) yield toRecord(r);
}

export type { AuditProblem, AuditProblemKind } from './problems.js';

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  head?: { n: number; hash: string };
  /** Resource rows re-checked against the chain; `legacy`: rows from before content binding (not bound). */
  resources?: { checked: number; legacy: number };
  problems: AuditProblem[];
}

export interface AuditVerifyOptions {
  /** `N:HASH` kept from an earlier verify: entry N must still have that hash. */
  anchor?: { n: number; hash: string };
  maxProblems?: number;
  /** Re-check the stored notes and occurrences against the chain (default true). */
  content?: boolean;
  /** Link pending entries first (default true). */
  link?: boolean;
  pageSize?: number;
}

/**
 * Checks the whole chain, then the stored resources against it, streaming both (keyset pages,
 * constant memory). `anchor` additionally proves that entry N still has that hash, which catches
 * a log rewritten wholesale.
 */
export async function verifyAudit(db: Db, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const problems: AuditProblem[] = [];
  const max = opts.maxProblems ?? 100;
  const add = (p: AuditProblem) => {
    if (problems.length < max) problems.push(p);
  };
  if (opts.link !== false) await linkPending(db);
  let expected = 1;
  let prev = GENESIS_HASH;
  let entries = 0;
  let last: AuditRecord | undefined;
  let anchorSeen = false;
  for await (const row of pages(db, 0, opts.pageSize ?? 5000, true)) {
    const r = toRecord(row);
    entries++;
    const recomputed = hashEntry(r);
    if (r.n > expected) add({ kind: 'missing', n: expected, message: r.n - expected === 1 ? `entry ${expected} is missing (the chain jumps from ${expected - 1} to ${r.n})` : `entries ${expected}–${r.n - 1} are missing (the chain jumps from ${expected - 1} to ${r.n})` });
    if (recomputed !== r.hash) add({ kind: 'altered', n: r.n, message: `entry ${r.n} was altered: its content does not match its hash` });
    else if (r.entryId !== undefined && (row.content_actual ?? null) !== (r.contentHash ?? null)) add({ kind: 'altered', n: r.n, message: `entry ${r.n} was altered: the resource digests it binds (audit_resources) do not match its content hash` });
    else if (r.prevHash !== prev) {
      // Its own hash holds but it does not follow its predecessor: inserted, or the one before was changed.
      add({ kind: r.n > expected ? 'broken-link' : 'inserted', n: r.n, message: r.n > expected ? `entry ${r.n} does not link to entry ${expected - 1} (entries between were deleted)` : `entry ${r.n} does not link to entry ${r.n - 1}: an entry was inserted or replaced before it` });
    }
    if (opts.anchor && r.n === opts.anchor.n) {
      anchorSeen = true;
      if (r.hash !== opts.anchor.hash) add({ kind: 'anchor-mismatch', n: r.n, message: `entry ${r.n} has hash ${r.hash}, the anchor says ${opts.anchor.hash}: the log was rewritten` });
    }
    prev = r.hash;
    expected = r.n + 1;
    last = r;
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (head) {
    const hn = Number(head.n);
    if (!last || hn > last.n) add({ kind: 'truncated', n: last ? last.n + 1 : 1, message: `the log ends at entry ${last?.n ?? 0} but its head records ${hn} entries: entries were deleted from the end` });
    else if (hn < last.n || head.hash !== last.hash) add({ kind: 'head-mismatch', n: last.n, message: `the head records entry ${hn} with hash ${head.hash}, the log ends at entry ${last.n} with ${last.hash}` });
  } else if (last) {
    add({ kind: 'head-mismatch', n: last.n, message: 'the head record is missing' });
  }
  if (opts.anchor && !anchorSeen) add({ kind: 'anchor-mismatch', n: opts.anchor.n, message: `entry ${opts.anchor.n} named by the anchor is not in the log` });
  const resources = opts.content === false ? undefined : await verifyContent(db, add, { pageSize: opts.pageSize ?? 2000, maxProblems: max });
  return { ok: problems.length === 0 && (resources?.problems ?? 0) === 0, entries, ...(last ? { head: { n: last.n, hash: last.hash } } : {}), ...(resources ? { resources: { checked: resources.checked, legacy: resources.legacy } } : {}), problems };
}
