/** Loads from the store exactly the advisories a catalog can match, into a MemoryIndex. */
import { sql } from 'kysely';
import type { CatalogResult } from '../core/types.js';
import type { Store } from '../store/store.js';
import { MemoryIndex, osvEcosystemOf } from './match.js';
import { normalisePackageName, type OsvRecord } from './osv.js';
import type { FixState } from './types.js';

const ECOSYSTEMS: Record<string, string> = { npm: 'npm', pypi: 'pypi', golang: 'go', maven: 'maven', cargo: 'crates.io', gem: 'rubygems', composer: 'packagist' };
const OS_TYPES = new Set(['deb', 'apk', 'rpm']);

export async function loadIndexFor(store: Store, result: CatalogResult, release: string | undefined): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  const langKeys = new Map<string, { ecosystem: string; name: string }>();
  for (const p of result.packages) {
    const eco = ECOSYSTEMS[p.type];
    if (!eco) continue;
    const name = normalisePackageName(eco, p.name);
    langKeys.set(`${eco}|${name}`, { ecosystem: eco, name });
  }
  const osvEco = osvEcosystemOf(result.os);
  if (osvEco) {
    const base = osvEco.split(':')[0]!.toLowerCase();
    for (const p of result.packages) if (OS_TYPES.has(p.type)) langKeys.set(`${base}|${p.source?.name ?? p.name}`, { ecosystem: base, name: p.source?.name ?? p.name });
    // Whether this release has OSV data at all (so "no data" is said only when it is true).
    const any = await sql<{ one: number }>`select 1 as one from osv_advisories a where a.id in (select advisory_id from osv_packages where ecosystem = ${base})
      and exists (select 1 from jsonb_array_elements(a.record->'affected') x where lower(x->'package'->>'ecosystem') = lower(${osvEco}) or lower(x->'package'->>'ecosystem') like lower(${osvEco + ':%'})) limit 1`.execute(store.db);
    if (any.rows.length > 0) index.markOsvEcosystem(osvEco);
  }
  const names = [...langKeys.values()];
  if (names.length > 0) {
    const rows = await sql<{ record: unknown }>`select a.record from osv_advisories a
      where not a.withdrawn and a.id in (
        select p.advisory_id from osv_packages p
        join jsonb_to_recordset(${JSON.stringify(names)}::jsonb) as k(ecosystem text, name text)
          on p.ecosystem = k.ecosystem and p.name = k.name)`.execute(store.db);
    index.addOsv(rows.rows.map((r) => (typeof r.record === 'string' ? JSON.parse(r.record) : r.record) as OsvRecord));
  }
  const distro = result.os?.id;
  if (distro && release) {
    const sources = [...new Set(result.packages.filter((p) => OS_TYPES.has(p.type)).map((p) => p.source?.name ?? p.name))];
    for (let i = 0; i < sources.length; i += 1000) {
      const rows = await store.db.selectFrom('os_advisories').selectAll().where('distro', '=', distro).where('release', '=', release).where('package', 'in', sources.slice(i, i + 1000)).execute();
      index.addOs(rows.map((r) => ({ id: r.id, distro: r.distro, release: r.release, package: r.package, state: r.state as FixState, ...(r.fixed_version ? { fixedVersion: r.fixed_version } : {}), ...(r.severity ? { severity: r.severity } : {}), ...(r.description ? { description: r.description } : {}), source: r.source })));
    }
    const any = await store.db.selectFrom('os_advisories').select('seq').where('distro', '=', distro).where('release', '=', release).limit(1).executeTakeFirst();
    if (any) index.markRelease(distro, release);
  }
  return index;
}
