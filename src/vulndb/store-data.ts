/**
 * The SQL side of the advisory data seam (`AdvisoryData` in advisory-data.ts): PostgreSQL and the
 * embedded store alike. Results are ordered (records by id, bytewise; OS advisories in import
 * order) so that the advisory index file, built from the same tables, answers identically.
 */
import { ecosystemKey } from '../core/index.js';
import { loadSourceTimes } from './coverage-store.js';
import { sql } from 'kysely';
import type { Store } from '../store/index.js';
import type { OsvRecord } from './osv.js';
import { osAdvisoryOf, type AdvisoryCoverage, type AdvisoryData } from './advisory-data.js';
import type { OsAdvisory } from './types.js';

function parseRecord(record: unknown): OsvRecord {
  return (typeof record === 'string' ? JSON.parse(record) : record) as OsvRecord;
}

export function storeAdvisoryData(store: Store): AdvisoryData {
  return {
    async osvRecords(keys) {
      if (keys.length === 0) return [];
      const rows = await sql<{ record: unknown }>`select a.record from osv_advisories a
        where not a.withdrawn and a.id in (
          select p.advisory_id from osv_packages p
          join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(ecosystem text, name text)
            on p.ecosystem = k.ecosystem and p.name = k.name)
        order by a.id collate "C"`.execute(store.db);
      return rows.rows.map((r) => parseRecord(r.record));
    },
    async hasOsvEcosystem(osvEco) {
      const base = ecosystemKey(osvEco);
      const any = await sql<{ one: number }>`select 1 as one from osv_advisories a where a.id in (select advisory_id from osv_packages where ecosystem = ${base})
        and exists (select 1 from jsonb_array_elements(a.record->'affected') x where lower(x->'package'->>'ecosystem') = lower(${osvEco}) or lower(x->'package'->>'ecosystem') like lower(${osvEco + ':%'})) limit 1`.execute(store.db);
      return any.rows.length > 0;
    },
    async osAdvisories(distro, release, packages) {
      const out: OsAdvisory[] = [];
      for (let i = 0; i < packages.length; i += 1000) {
        const rows = await store.db.selectFrom('os_advisories').selectAll().where('distro', '=', distro).where('release', '=', release).where('package', 'in', packages.slice(i, i + 1000)).orderBy('seq').execute();
        out.push(...rows.map(osAdvisoryOf));
      }
      return out;
    },
    async hasRelease(distro, release) {
      return !!(await store.db.selectFrom('os_advisories').select('seq').where('distro', '=', distro).where('release', '=', release).limit(1).executeTakeFirst());
    },
    coverage: () => storeCoverage(store),
    sourceTimes: () => loadSourceTimes(store),
    async languagesWithData(ecosystems) {
      const present = new Set<string>();
      for (const eco of ecosystems) {
        // osv_packages keys ecosystems by their lower-cased base name (`pypi`, `crates.io`): one indexed look-up each.
        const row = await store.db.selectFrom('osv_packages').select('advisory_id').where('ecosystem', '=', eco.toLowerCase()).limit(1).executeTakeFirst();
        if (row) present.add(eco);
      }
      return present;
    },
  };
}

/** Coverage straight from the store's tables. */
export async function storeCoverage(store: Store): Promise<AdvisoryCoverage> {
  const rel = await sql<{ distro: string; release: string; n: string | number }>`select distro, release, count(*) as n from os_advisories group by distro, release order by distro collate "C", release collate "C"`.execute(store.db);
  const pk = await sql<{ ecosystem: string; n: string | number }>`select p.ecosystem, count(distinct p.name) as n from osv_packages p join osv_advisories a on a.id = p.advisory_id where not a.withdrawn group by p.ecosystem order by p.ecosystem collate "C"`.execute(store.db);
  return {
    osReleases: rel.rows.map((r) => ({ distro: r.distro, release: r.release, advisories: Number(r.n) })),
    osvPackageEcosystems: pk.rows.map((r) => ({ ecosystem: r.ecosystem, packages: Number(r.n) })),
    osvEcosystems: await osvEcosystemNames(store),
  };
}

/**
 * Every lower-cased `affected[].package.ecosystem` of a record that also has a package entry of
 * that ecosystem (the records `hasOsvEcosystem` can find), withdrawn ones included as there.
 */
export async function osvEcosystemNames(store: Store): Promise<string[]> {
  const rows = await sql<{ e: string }>`select distinct lower(x->'package'->>'ecosystem') as e
    from osv_advisories a, jsonb_array_elements(a.record->'affected') x
    where x->'package'->>'ecosystem' is not null
      and exists (select 1 from osv_packages p where p.advisory_id = a.id and p.ecosystem = split_part(lower(x->'package'->>'ecosystem'), ':', 1))
    order by 1`.execute(store.db);
  return rows.rows.map((r) => r.e).sort();
}

