/**
 * Re-checks the stored resources against the audit chain, streaming: each table is read in
 * keyset pages of its primary key, each row with the newest link the chain holds for it (one
 * index lookup in the same statement, so a row and its link are seen in one snapshot), and its
 * digest recomputed here; then the database lists resources whose newest link says they exist but
 * whose row is gone. Only links of entries in the chain (or pending, about to be linked) count.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/index.js';
import { AUDITED_COLLECTIONS, resourceNameOf, rowDigest, type AuditedCollection } from './content.js';
import type { AuditProblem } from './problems.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ContentCheck {
  checked: number;
  legacy: number;
  problems: number;
}

const noun = (c: AuditedCollection) => (c.collection === 'notes' ? 'note' : 'occurrence');

/** An entry id that is in the chain or pending. */
const live = (id: ReturnType<typeof sql.ref>) =>
  sql`(exists (select 1 from audit_log a where a.entry_id = ${id}) or exists (select 1 from audit_pending p where p.id = ${id}))`;

async function baselines(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('audit_baseline').selectAll().execute();
  return new Map(rows.map((r) => [r.collection, Number(r.max_seq)]));
}

interface RowWithLink extends Record<string, unknown> {
  seq: string | number;
  link_digest: string | null;
  link_deleted: boolean | null;
  link_n: string | number | null;
  link_entry: string | number | null;
}

/**
 * Tables never analysed (fresh ones; the embedded store runs no autovacuum) get statistics first:
 * without them the planner may probe the wrong index per row and the check turns quadratic.
 */
async function ensureStatistics(db: Db): Promise<void> {
  const tables = ['audit_resources', 'audit_log', ...AUDITED_COLLECTIONS.map((c) => c.table)];
  const r = await sql<{ relname: string }>`select relname from pg_class where relname in (${sql.join(tables)}) and relkind = 'r' and reltuples < 0 and pg_relation_size(oid) > 65536`.execute(db);
  for (const { relname } of r.rows) await sql`analyze ${sql.table(relname)}`.execute(db);
}

export async function verifyContent(db: Db, add: (p: AuditProblem) => void, opts: { pageSize: number; maxProblems: number }): Promise<ContentCheck> {
  await ensureStatistics(db);
  const base = await baselines(db);
  let checked = 0;
  let legacy = 0;
  let problems = 0;
  const report = (p: AuditProblem) => {
    problems++;
    add(p);
  };
  for (const c of AUDITED_COLLECTIONS) {
    const t = sql.table(c.table);
    const id = sql.ref(`t.${c.idColumn}`);
    const legacyMax = base.get(c.collection) ?? 0;
    let after = '0';
    for (;;) {
      const page = await sql<RowWithLink>`select t.*, l.digest as link_digest, l.deleted as link_deleted, l.n as link_n, l.entry_id as link_entry
        from ${t} as t
        left join lateral (
          select r.digest, r.deleted, r.entry_id, (select a.n from audit_log a where a.entry_id = r.entry_id) as n
          from audit_resources r
          where r.collection = ${c.collection} and r.project = t.project and r.location = t.location and r.rid = ${id}
            and ${live(sql.ref('r.entry_id'))}
          order by r.entry_id desc limit 1
        ) l on true
        where t.seq > ${after} order by t.seq limit ${opts.pageSize}`.execute(db);
      for (const row of page.rows) {
        checked++;
        const name = resourceNameOf({ collection: c.collection, project: String(row.project), location: String(row.location), rid: String(row[c.idColumn]) });
        const actual = rowDigest(c, row);
        const n = row.link_n === null ? 0 : Number(row.link_n);
        const at = n ? `entry ${n}` : `pending entry ${row.link_entry}`;
        if (row.link_digest === null) {
          if (Number(row.seq) <= legacyMax) legacy++;
          else report({ kind: 'content-unaudited', n: 0, resource: name, actual, message: `${noun(c)} ${name} has no audit entry: it was written outside the API (digest ${actual})` });
        } else if (row.link_deleted) {
          report({ kind: 'content-reappeared', n, resource: name, expected: 'deleted', actual, message: `${noun(c)} ${name} was deleted through the API (${at}) but exists again: written outside the API (digest ${actual})` });
        } else if (row.link_digest !== actual) {
          report({ kind: 'content-altered', n, resource: name, expected: row.link_digest, actual, message: `${noun(c)} ${name} was changed outside the API: the audit chain (${at}) binds digest ${row.link_digest}, the stored row has ${actual}` });
        }
      }
      if (page.rows.length < opts.pageSize) break;
      after = String(page.rows[page.rows.length - 1]!.seq);
    }
    // Resources whose newest link says they exist, without a row. Only the problems come back.
    const gone = await sql<{ project: string; location: string; rid: string; digest: string; n: string | number | null; entry_id: string | number }>`
      select r.project, r.location, r.rid, r.digest, r.entry_id, (select a.n from audit_log a where a.entry_id = r.entry_id) as n
      from audit_resources r
      where r.collection = ${c.collection} and not r.deleted and ${live(sql.ref('r.entry_id'))}
        and not exists (
          select 1 from audit_resources r2
          where r2.collection = r.collection and r2.project = r.project and r2.location = r.location and r2.rid = r.rid
            and r2.entry_id > r.entry_id and ${live(sql.ref('r2.entry_id'))})
        and not exists (select 1 from ${t} as t where t.project = r.project and t.location = r.location and ${id} = r.rid)
      order by r.entry_id, r.ord
      limit ${opts.maxProblems + 1}`.execute(db);
    for (const g of gone.rows) {
      const name = resourceNameOf({ collection: c.collection, project: g.project, location: g.location, rid: g.rid });
      const n = g.n === null ? 0 : Number(g.n);
      report({ kind: 'content-deleted', n, resource: name, expected: g.digest, actual: 'missing', message: `${noun(c)} ${name} was deleted outside the API: the audit chain (${n ? `entry ${n}` : `pending entry ${g.entry_id}`}) binds digest ${g.digest}, no row is stored` });
    }
  }
  return { checked, legacy, problems };
}
