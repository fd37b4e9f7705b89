/**
 * `audit verify` over 1,000,000 entries stays streaming (figures and ratios in one run; not a
 * test). On PostgreSQL, in a fresh database: occurrences are seeded with SQL in the shape the
 * server writes, each bound by one audit entry (its row digest in audit_resources) and linked by
 * the real chain linker; then the built CLI's `audit verify` runs under /usr/bin/time at
 * BENCH_SMALL entries (the floor) and at BENCH_ENTRIES entries, and its peak RSS is printed with
 * the ratio large/small (constant memory: ~1). One row is then edited with SQL and verify must
 * name it (exit 1).
 *
 *     npx tsx bench/metadata-audit-verify.ts   # BENCH_ENTRIES=1000000 BENCH_SMALL=10000
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { contentHash, linkOf } from '../src/audit/content.js';
import { linkPending } from '../src/audit/linker.js';
import { openStore, type Store } from '../src/store/store.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SMALL = Number(process.env.BENCH_SMALL ?? 10_000);
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const DB = `portcullis_bench_auditverify_${process.pid}`;
const URL_DB = `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}`;
const PAGE = 10_000;

function psql(db: string, sqlText: string): string {
  const r = spawnSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sqlText], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

/** Seeds occurrences (from, to] and one pending entry each binding its row, then links them. */
async function seed(store: Store, from: number, to: number): Promise<void> {
  for (let lo = from; lo < to; lo += PAGE) {
    const hi = Math.min(to, lo + PAGE);
    psql(DB, `insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
      select 'bench', '', gen_random_uuid()::text, 'VULNERABILITY', 'https://registry.example/bench/app-' || (g / 100) || '@sha256:' || lpad(to_hex(g / 100), 64, '0'),
        'projects/bench-notes/notes/CVE-2024-' || (g % 5000),
        jsonb_build_object('vulnerability', jsonb_build_object('severity', 'HIGH', 'cvssScore', 7.5, 'packageIssue', jsonb_build_array(jsonb_build_object('affectedPackage', 'pkg-' || (g % 997), 'affectedVersion', jsonb_build_object('name', '1.' || (g % 13), 'kind', 'NORMAL'))))),
        now(), now()
      from generate_series(${lo}, ${hi - 1}) g`);
    const rows = await store.db.selectFrom('metadata_occurrences').selectAll().where('seq', '>', String(lo) as never).orderBy('seq').limit(hi - lo).execute();
    const entries = rows.map((row) => {
      const link = linkOf({ collection: 'occurrences', row: row as unknown as Record<string, unknown> });
      return { at: new Date().toISOString(), resource: `projects/bench/occurrences/${row.occurrence_id}`, hash: contentHash([link]), link };
    });
    await store.db.transaction().execute(async (trx) => {
      const ids = await sql<{ id: string }>`select nextval('audit_entry_seq') as id from generate_series(1, ${entries.length})`.execute(trx);
      const withIds = entries.map((e, i) => ({ ...e, id: ids.rows[i]!.id }));
      await sql`insert into audit_pending (id, at, actor, action, resource, outcome, detail, content_hash)
        select x.id, x.at, 'token:bench', 'occurrences.create', x.resource, 'ok', null, x.hash
        from jsonb_to_recordset(${JSON.stringify(withIds.map(({ link: _l, ...e }) => e))}::jsonb) as x(id bigint, at text, resource text, hash text)`.execute(trx);
      await sql`insert into audit_resources (entry_id, ord, collection, project, location, rid, digest, deleted)
        select x.id, 0, x.collection, x.project, x.location, x.rid, x.digest, false
        from jsonb_to_recordset(${JSON.stringify(withIds.map((e) => ({ id: e.id, ...e.link })))}::jsonb) as x(id bigint, collection text, project text, location text, rid text, digest text)`.execute(trx);
    });
    await linkPending(store.db);
    if ((hi / PAGE) % 10 === 0) process.stderr.write(`  seeded ${hi}\n`);
  }
}

function verify(): { status: number | null; seconds: number; rssMiB: number; out: { ok: boolean; entries: number; resources?: { checked: number }; problems: { kind: string; resource?: string }[] } } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, 'audit', 'verify', '--format', 'json', '--database-url', URL_DB], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { status: r.status, seconds, rssMiB: kb / 1024, out: JSON.parse(r.stdout) };
}

async function main() {
  psql('postgres', `create database ${DB}`);
  const store = await openStore({ databaseUrl: URL_DB });
  try {
    const ts = performance.now();
    await seed(store, 0, SMALL);
    const small = verify();
    await seed(store, SMALL, ENTRIES);
    psql(DB, 'vacuum analyze');
    console.log(`seeded ${ENTRIES} occurrences, each bound by one linked audit entry, in ${((performance.now() - ts) / 1000).toFixed(0)} s`);
    const large = verify();
    const victim = psql(DB, `select occurrence_id from metadata_occurrences order by seq offset ${Math.floor(ENTRIES / 2)} limit 1`);
    psql(DB, `update metadata_occurrences set body = jsonb_set(body, '{vulnerability,severity}', '"LOW"') where occurrence_id = '${victim}'`);
    const tampered = verify();
    console.log('');
    for (const [name, v] of [[`${SMALL} entries (floor)`, small], [`${ENTRIES} entries`, large]] as const)
      console.log(`audit verify, ${name.padEnd(22)} ${v.out.ok ? 'ok' : 'FAILED'} (exit ${v.status}), ${v.out.entries} entries, ${v.out.resources?.checked ?? 0} rows re-checked, ${v.seconds.toFixed(1)} s, peak RSS ${v.rssMiB.toFixed(0)} MiB`);
    console.log(`peak RSS ratio ${ENTRIES}/${SMALL} entries: ${(large.rssMiB / small.rssMiB).toFixed(2)} (constant memory: ~1; entries ratio ${(ENTRIES / SMALL).toFixed(0)})`);
    const named = tampered.out.problems.find((p) => p.kind === 'content-altered' && p.resource === `projects/bench/occurrences/${victim}`);
    console.log(`one row edited with SQL: exit ${tampered.status}, ${named ? 'named' : 'NOT NAMED'} (${tampered.out.problems.length} problem(s)), ${tampered.seconds.toFixed(1)} s`);
    const ok = small.out.ok && large.out.ok && large.out.entries === ENTRIES && tampered.status === 1 && !!named && large.rssMiB / small.rssMiB < 1.5;
    console.log(ok ? 'streaming: ok' : 'STREAMING CHECK FAILED');
  } finally {
    await store.close();
    psql('postgres', `drop database if exists ${DB} with (force)`);
  }
}

await main();
