/**
 * Every documented filter is served by an index: on PostgreSQL with 300,000 occurrences in the
 * shape scans write and ANALYZE'd statistics (no planner switches turned off), the query
 * ListOccurrences really runs (captured from Kysely's log) is EXPLAIN ANALYZEd with its parameters:
 * no plan may contain a sequential scan of metadata_occurrences, nor an index scan that reads and
 * discards more than 5 % of the table (a full scan in disguise). Skipped, visibly, without a
 * PostgreSQL server.
 */
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../src/metadata/_testing.js';
import { listNoteOccurrences, listOccurrences } from '../src/metadata/service.js';
import type { Database } from '../src/store/schema.js';
import { openStore, type Store } from '../src/store/store.js';
import { DOCUMENTED_FILTERS, PER_RESOURCE, SEED_NOTES_PROJECT, SEED_PROJECT, seedOccurrencesSql } from './support/occurrence-seed.js';

const ROWS = 300_000;
/**
 * Rows an index scan may read and discard per request: 5 % of the table. Where matches are dense
 * (≥ 1 %: `cvssScore >= 9.9`), the planner rightly walks the seq-ordered index and stops after a
 * page, reading about pageSize / density rows; without the filter indexes, a rare or absent value
 * reads all of them.
 */
const MAX_DISCARDED = ROWS / 20;
const made = createPgDatabase('plans');

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

function nodes(p: PlanNode): PlanNode[] {
  return [p, ...(p.Plans ?? []).flatMap(nodes)];
}

describe.skipIf(!made)('filter plans at 300,000 occurrences (PostgreSQL)', () => {
  let store: Store;
  let db: Kysely<Database>;
  let pool: pg.Pool;
  const captured: CompiledQuery[] = [];
  let names: string[] = [];

  beforeAll(async () => {
    store = await openStore({ databaseUrl: made!.url }); // migrations
    for (let from = 0; from < ROWS; from += 100_000)
      await store.db.executeQuery(CompiledQuery.raw(seedOccurrencesSql(from, Math.min(ROWS, from + 100_000), ROWS)));
    // A second, small project, so the project column is not constant.
    await store.db.executeQuery(CompiledQuery.raw(seedOccurrencesSql(0, 2000, 2000).replace(`'${SEED_PROJECT}'`, `'other'`)));
    await store.db.executeQuery(CompiledQuery.raw('analyze metadata_occurrences'));
    names = (await store.db.selectFrom('metadata_occurrences').select('occurrence_id').where('project', '=', SEED_PROJECT).limit(20).execute()).map((r) => r.occurrence_id);
    pool = new pg.Pool({ connectionString: made!.url, max: 2 });
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (e) => {
        if (e.level === 'query' && /^select/i.test(e.query.sql)) captured.push(e.query);
      },
    });
  }, 600_000);

  afterAll(async () => {
    await db?.destroy();
    await store?.close();
    made?.drop();
  });

  async function planOf(run: () => Promise<unknown>): Promise<{ sql: string; nodes: PlanNode[] }> {
    captured.length = 0;
    await run();
    const q = captured.at(-1)!;
    const r = await pool.query(`explain (analyze, format json) ${q.sql}`, q.parameters as unknown[]);
    const plan = (r.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
    return { sql: q.sql, nodes: nodes(plan) };
  }

  const ctx = { resources: ROWS / PER_RESOURCE, total: ROWS, names: [] as string[] };
  const cases = DOCUMENTED_FILTERS.flatMap((f) => [0, 1].map((i) => [f.label, i, f] as const));

  it.each(cases)('%s (#%i): no sequential scan of metadata_occurrences', async (_label, i, f) => {
    ctx.names = names;
    const filter = f.filter(i, ctx);
    const { sql, nodes: ns } = await planOf(() => listOccurrences(db, { project: SEED_PROJECT, location: '' }, { filter, pageSize: 100 }));
    const seq = ns.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'metadata_occurrences');
    expect(seq, `${filter}\n${sql}\n${JSON.stringify(ns.map((n) => [n['Node Type'], n['Index Name']]))}`).toEqual([]);
    expect(ns.some((n) => /Index/.test(n['Node Type']))).toBe(true);
    // An index scan that filters the whole project is a sequential scan in disguise: the rows
    // read and thrown away must stay a small fraction of the table.
    const removed = ns
      .filter((n) => n['Relation Name'] === 'metadata_occurrences')
      .reduce((a, n) => a + ((n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1), 0);
    expect(removed, `${filter}: ${removed} rows read and discarded\n${JSON.stringify(ns.map((n) => [n['Node Type'], n['Index Name'], n['Rows Removed by Filter']]))}`).toBeLessThanOrEqual(MAX_DISCARDED);
  });

  it.each(['vulnerability.effectiveSeverity="CRITICAL"', `noteProjectId="${SEED_PROJECT}"`])('the occurrences of a note, filtered by %s, use an index too', async (filter) => {
    const { nodes: ns } = await planOf(() => listNoteOccurrences(db, { project: SEED_NOTES_PROJECT, location: '', collection: 'notes', id: 'CVE-2024-7' }, { filter }).catch(() => undefined));
    expect(ns.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'metadata_occurrences')).toEqual([]);
  });

  it('a filter under NOT keeps its meaning: rows without the field match NOT, under two NOTs they do not', async () => {
    const uri = 'https://registry.example/bench/app-42@sha256:' + (42).toString(16).padStart(64, '0');
    const crit = Number((await pool.query(`select count(*) from metadata_occurrences where project = $1 and resource_uri = $2 and body #>> '{vulnerability,severity}' = 'CRITICAL'`, [SEED_PROJECT, uri])).rows[0].count);
    const count = async (filter: string) => (await listOccurrences(db, { project: SEED_PROJECT, location: '' }, { filter: `resourceUri="${uri}" AND (${filter})`, pageSize: 1000 })).occurrences.length;
    expect(await count('NOT vulnerability.severity="CRITICAL"')).toBe(PER_RESOURCE - crit);
    expect(await count('NOT NOT vulnerability.severity="CRITICAL"')).toBe(crit);
    expect(await count('NOT package.name:*')).toBe(65);
    expect(await count('NOT (package.name:* OR vulnerability.severity="CRITICAL")')).toBe(65 - crit);
  });
});
