/**
 * Builds the advisory index of an embedded store from its tables, page by page (memory stays
 * bounded by the number of packages, not of records), and renames it into place.
 */
import { loadSourceTimes } from '../coverage-store.js';
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../../store/index.js';
import type { OsvRecord } from '../osv.js';
import { osAdvisoryOf, type AdvisoryCoverage, type OsAdvisoryRow, type PackageKey } from '../store-index.js';
import type { IndexHeader } from './format.js';
import { indexPathOf, storeIdOf } from './files.js';
import { IndexWriter } from './write.js';

const PAGE = 5000;

/**
 * Which import the store's advisory data reflects: a digest of its source list (each import
 * rewrites its source's row with a new import time and counts).
 */
export async function storeGeneration(store: Store): Promise<string> {
  const rows = await sql<{ id: string; kind: string; location: string; imported_at: Date | string; checked_at: Date | string | null; records: number; malformed: number }>`select id, kind, location, imported_at, checked_at, records, malformed from advisory_sources order by id collate "C"`.execute(store.db);
  const h = createHash('sha256');
  for (const r of rows.rows) h.update(JSON.stringify([r.id, r.kind, r.location, new Date(r.imported_at).toISOString(), r.checked_at ? new Date(r.checked_at).toISOString() : null, r.records, r.malformed]) + '\n');
  return h.digest('hex');
}

/** Import and last-check times of every source, for the index header. */
async function sourceTimesOf(store: Store): Promise<{ id: string; importedAt: string; checkedAt: string | null }[]> {
  return (await loadSourceTimes(store)).map((t) => ({ id: t.id, importedAt: t.importedAt.toISOString(), checkedAt: t.checkedAt ? t.checkedAt.toISOString() : null }));
}

/**
 * The store's coverage (what `storeCoverage` asks in SQL) gathered from the rows the index is
 * built from, so no extra pass over the tables: a test holds the two equal.
 */
class CoverageCollector {
  private readonly releases = new Map<string, { distro: string; release: string; advisories: number }>();
  private readonly names = new Map<string, Set<string>>();
  private readonly ecosystems = new Set<string>();

  osv(record: OsvRecord, keys: PackageKey[], withdrawn: boolean): void {
    if (!withdrawn) for (const k of keys) (this.names.get(k.ecosystem) ?? this.names.set(k.ecosystem, new Set()).get(k.ecosystem)!).add(k.name);
    if (keys.length === 0 || !Array.isArray(record.affected)) return;
    const bases = new Set(keys.map((k) => k.ecosystem));
    for (const a of record.affected) {
      const e: unknown = (a as { package?: { ecosystem?: unknown } } | null)?.package?.ecosystem;
      const text = typeof e === 'string' ? e : typeof e === 'number' || typeof e === 'boolean' ? String(e) : undefined;
      if (text === undefined) continue;
      const lower = text.toLowerCase();
      if (bases.has(lower.split(':')[0]!)) this.ecosystems.add(lower);
    }
  }

  os(distro: string, release: string): void {
    const k = `${distro}\u0000${release}`;
    const r = this.releases.get(k);
    if (r) r.advisories++;
    else this.releases.set(k, { distro, release, advisories: 1 });
  }

  result(): AdvisoryCoverage {
    const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    return {
      osReleases: [...this.releases.values()].sort((a, b) => bytes(a.distro, b.distro) || bytes(a.release, b.release)),
      osvPackageEcosystems: [...this.names].map(([ecosystem, n]) => ({ ecosystem, packages: n.size })).sort((a, b) => bytes(a.ecosystem, b.ecosystem)),
      osvEcosystems: [...this.ecosystems].sort(),
    };
  }
}

async function jsonRows<T>(store: Store, query: RawBuilder<unknown>): Promise<T[]> {
  const r = await sql<{ j: string | null }>`${query}`.execute(store.db);
  return r.rows[0]?.j ? (JSON.parse(r.rows[0].j) as T[]) : [];
}

/** Whether the database orders text bytewise (C collation: the embedded store's). */
async function isBytewise(store: Store): Promise<boolean> {
  const r = await sql<{ c: string }>`select datcollate as c from pg_database where datname = current_database()`.execute(store.db);
  return r.rows[0]?.c === 'C' || r.rows[0]?.c === 'POSIX';
}

/** Writes `advisories.idx` of an embedded store's data directory from the store's current content. */
export async function buildAdvisoryIndex(store: Store, dataDir: string = store.location): Promise<IndexHeader> {
  if (store.kind !== 'pglite') throw new Error('the advisory index is built for the embedded store only');
  const storeId = storeIdOf(dataDir);
  if (!storeId) throw new Error(`"${dataDir}" holds no embedded database`);
  // Read what describes the content first and the content after: a concurrent writer is excluded
  // by the data-directory lock, and the import hook rebuilds after its own writes anyway.
  const generation = await storeGeneration(store);
  const cover = new CoverageCollector();
  const w = new IndexWriter(indexPathOf(dataDir));
  try {
    // Rows leave the database as one JSON text per page (json_agg): far cheaper to carry out of
    // the embedded database than row objects. Package entries first, in one pass (a few short
    // strings per record), then the records page by page along the primary key: the embedded
    // store's collation is C, so `order by id` is bytewise and walks the index (elsewhere the
    // explicit collation keeps the order right, if slower).
    const keys = new Map<string, PackageKey[]>();
    for (const [id, ecosystem, name] of await jsonRows<[string, string, string]>(store, sql`select json_agg(json_build_array(advisory_id, ecosystem, name))::text as j from osv_packages`)) {
      const list = keys.get(id);
      if (list) list.push({ ecosystem, name });
      else keys.set(id, [{ ecosystem, name }]);
    }
    const bytewise = await isBytewise(store);
    let last: string | undefined;
    for (;;) {
      const after = last === undefined ? sql`` : bytewise ? sql`and id > ${last}` : sql`and id collate "C" > ${last}`;
      const order = bytewise ? sql`id` : sql`id collate "C"`;
      // The record's value is what the store's JSON text parses to, as on the database path.
      const page = await jsonRows<[string, boolean, OsvRecord]>(store, sql`select json_agg(json_build_array(id, withdrawn, record) order by ${order})::text as j from (select id, withdrawn, record from osv_advisories where true ${after} order by ${order} limit ${PAGE}) x`);
      if (page.length === 0) break;
      for (const [id, withdrawn, record] of page) {
        const k = keys.get(id) ?? [];
        cover.osv(record, k, withdrawn);
        if (!withdrawn) w.addOsvRecord(id, JSON.stringify(record), k);
      }
      last = page[page.length - 1]![0];
    }
    keys.clear();
    // OS advisories grouped by (distro, release, package), each group in import order.
    type Row = [number, string, string, string, string, string, string | null, string | null, string | null, string];
    let cur: Row | undefined;
    let group: OsAdvisoryRow[] = [];
    const flush = () => {
      if (group.length > 0) w.addOsPackage(group[0]!.distro, group[0]!.release, group[0]!.package, group.map(osAdvisoryOf));
      group = [];
    };
    const order = sql`distro collate "C", release collate "C", package collate "C", seq`;
    for (;;) {
      const after = cur ? sql`where (distro collate "C", release collate "C", package collate "C", seq) > (${cur[2]}, ${cur[3]}, ${cur[4]}, ${cur[0]}::bigint)` : sql``;
      const page = await jsonRows<Row>(store, sql`select json_agg(json_build_array(seq, id, distro, release, package, state, fixed_version, severity, description, source) order by ${order})::text as j
        from (select * from os_advisories ${after} order by ${order} limit ${PAGE}) x`);
      if (page.length === 0) break;
      for (const [, id, distro, release, pkg, state, fixed_version, severity, description, source] of page) {
        const g = group[0];
        if (g && (g.distro !== distro || g.release !== release || g.package !== pkg)) flush();
        group.push({ id, distro, release, package: pkg, state, fixed_version, severity, description, source });
        cover.os(distro, release);
      }
      cur = page[page.length - 1];
    }
    flush();
    return w.finish({ storeId, generation, coverage: cover.result(), sources: await sourceTimesOf(store) });
  } catch (err) {
    w.abort();
    throw err;
  }
}
