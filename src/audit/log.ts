/**
 * The audit log: append-only and hash-chained. Entry n carries the SHA-256 of entry n-1
 * (`prevHash`) and its own hash over a canonical JSON of its fields, so an altered entry breaks its
 * own hash, an inserted or deleted one breaks the numbering and the chain, and a head row (the
 * newest n and hash) catches entries cut from the end. Appends serialise on a transaction-scoped
 * advisory lock, so several server replicas on one PostgreSQL extend one chain.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { canonicalJson } from './canonical.js';

export type AuditOutcome = 'ok' | 'denied' | 'error';

export interface AuditEntry {
  /** Who: a token id, a certificate subject, `anonymous`, `cli`. */
  actor: string;
  /** What: `occurrences.batchCreate`, `notes.delete`, `token.create`, … */
  action: string;
  /** On what: a resource name (`projects/p/occurrences/…`) or path. */
  resource: string;
  outcome: AuditOutcome;
  /** From where: client address. */
  remote?: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  n: number;
  /** ISO-8601 time of the append. */
  at: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK = 727275; // fixed: serialises appends across processes

/** The hash of an entry: SHA-256 over the canonical JSON of every field but the hash itself. */
export function hashEntry(r: Omit<AuditRecord, 'hash'>): string {
  const body = { n: r.n, at: r.at, actor: r.actor, action: r.action, resource: r.resource, outcome: r.outcome, remote: r.remote ?? null, detail: r.detail ?? null, prevHash: r.prevHash };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

type Db = Kysely<Database> | Transaction<Database>;

async function appendIn(trx: Transaction<Database>, entries: AuditEntry[], now: () => Date): Promise<AuditRecord[]> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const head = await trx.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  let n = head ? Number(head.n) : 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const out: AuditRecord[] = [];
  for (const e of entries) {
    n++;
    const rec: Omit<AuditRecord, 'hash'> = { n, at: now().toISOString(), actor: e.actor, action: e.action, resource: e.resource, outcome: e.outcome, prevHash: prev, ...(e.remote !== undefined ? { remote: e.remote } : {}), ...(e.detail !== undefined ? { detail: e.detail } : {}) };
    const hash = hashEntry(rec);
    out.push({ ...rec, hash });
    prev = hash;
  }
  if (out.length === 0) return out;
  const rows = out.map((r) => ({ n: String(r.n), at: r.at, actor: r.actor, action: r.action, resource: r.resource, outcome: r.outcome, remote: r.remote ?? null, detail: r.detail === undefined ? null : JSON.stringify(r.detail), prev_hash: r.prevHash, hash: r.hash }));
  await sql`insert into audit_log (n, at, actor, action, resource, outcome, remote, detail, prev_hash, hash)
    select x.n, x.at, x.actor, x.action, x.resource, x.outcome, x.remote, x.detail::jsonb, x.prev_hash, x.hash
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(n bigint, at text, actor text, action text, resource text, outcome text, remote text, detail text, prev_hash text, hash text)`.execute(trx);
  await trx
    .insertInto('audit_head')
    .values({ id: 1, n: String(n), hash: prev })
    .onConflict((oc) => oc.column('id').doUpdateSet({ n: String(n), hash: prev }))
    .execute();
  return out;
}

/**
 * Appends entries. Given a transaction, they commit or roll back with it (a write and its audit
 * entry are one unit); given the database, they are appended in a transaction of their own.
 */
export async function appendAudit(db: Db, entry: AuditEntry | AuditEntry[], opts: { now?: () => Date } = {}): Promise<AuditRecord[]> {
  const entries = Array.isArray(entry) ? entry : [entry];
  const now = opts.now ?? (() => new Date());
  if (db.isTransaction) return appendIn(db as Transaction<Database>, entries, now);
  return (db as Kysely<Database>).transaction().execute((trx) => appendIn(trx, entries, now));
}

function toRecord(r: { n: string | number; at: string; actor: string; action: string; resource: string; outcome: string; remote: string | null; detail: unknown; prev_hash: string; hash: string }): AuditRecord {
  const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : (r.detail as Record<string, unknown> | null);
  return { n: Number(r.n), at: r.at, actor: r.actor, action: r.action, resource: r.resource, outcome: r.outcome as AuditOutcome, prevHash: r.prev_hash, hash: r.hash, ...(r.remote !== null ? { remote: r.remote } : {}), ...(detail !== null && detail !== undefined ? { detail } : {}) };
}

/** Streams the log in order, a page at a time. */
export async function* readAudit(db: Db, opts: { since?: number; pageSize?: number } = {}): AsyncGenerator<AuditRecord> {
  let after = opts.since ?? 0;
  const page = opts.pageSize ?? 5000;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('n', '>', String(after) as never).orderBy('n').limit(page).execute();
    for (const r of rows) yield toRecord(r);
    if (rows.length < page) return;
    after = Number(rows[rows.length - 1]!.n);
  }
}

export type AuditProblemKind = 'altered' | 'missing' | 'inserted' | 'broken-link' | 'truncated' | 'head-mismatch' | 'anchor-mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry number the problem is at. */
  n: number;
  message: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  head?: { n: number; hash: string };
  problems: AuditProblem[];
}

/**
 * Checks the whole chain. `anchor` (`N:HASH`, e.g. kept from an earlier verify) additionally
 * proves that entry N still has that hash, which catches a log rewritten wholesale.
 */
export async function verifyAudit(db: Db, opts: { anchor?: { n: number; hash: string }; maxProblems?: number } = {}): Promise<AuditVerifyResult> {
  const problems: AuditProblem[] = [];
  const max = opts.maxProblems ?? 100;
  const add = (p: AuditProblem) => {
    if (problems.length < max) problems.push(p);
  };
  let expected = 1;
  let prev = GENESIS_HASH;
  let entries = 0;
  let last: AuditRecord | undefined;
  let anchorSeen = false;
  for await (const r of readAudit(db)) {
    entries++;
    const recomputed = hashEntry(r);
    if (r.n > expected) add({ kind: 'missing', n: expected, message: r.n - expected === 1 ? `entry ${expected} is missing (the chain jumps from ${expected - 1} to ${r.n})` : `entries ${expected}–${r.n - 1} are missing (the chain jumps from ${expected - 1} to ${r.n})` });
    if (recomputed !== r.hash) add({ kind: 'altered', n: r.n, message: `entry ${r.n} was altered: its content does not match its hash` });
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
  return { ok: problems.length === 0, entries, ...(last ? { head: { n: last.n, hash: last.hash } } : {}), problems };
}
