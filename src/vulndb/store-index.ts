/**
 * Loads exactly the advisories a catalog can match into a MemoryIndex, through one data-access
 * seam (`AdvisoryData`) with two implementations: SQL on the store (here) and the advisory index
 * file (`index-file/`). Both return the same rows in the same order, so a scan's findings do not
 * depend on which one answered.
 */
import { ecosystemKey, isOsPackageType, osvEcosystemOfType, type CatalogResult } from '../core/index.js';
import type { Store } from '../store/index.js';
import { MemoryIndex, osvEcosystemOf } from './match.js';
import { normalisePackageName } from './osv.js';
import type { AdvisoryData, PackageKey } from './advisory-data.js';

export { osAdvisoryOf, type AdvisoryCoverage, type AdvisoryData, type OsAdvisoryRow, type PackageKey } from './advisory-data.js';

/** The advisories a catalog can match, from any `AdvisoryData`. */
export async function loadIndexFrom(data: AdvisoryData, result: CatalogResult, release: string | undefined): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  const langKeys = new Map<string, PackageKey>();
  for (const p of result.packages) {
    const osv = osvEcosystemOfType(p.type);
    if (!osv) continue;
    const eco = ecosystemKey(osv);
    const name = normalisePackageName(eco, p.name);
    langKeys.set(`${eco}|${name}`, { ecosystem: eco, name });
  }
  const osvEco = osvEcosystemOf(result.os);
  if (osvEco) {
    const base = ecosystemKey(osvEco);
    for (const p of result.packages) if (isOsPackageType(p.type)) langKeys.set(`${base}|${p.source?.name ?? p.name}`, { ecosystem: base, name: p.source?.name ?? p.name });
    // Whether this release has OSV data at all (so "no data" is said only when it is true).
    if (await data.hasOsvEcosystem(osvEco)) index.markOsvEcosystem(osvEco);
  }
  const names = [...langKeys.values()];
  if (names.length > 0) index.addOsv(await data.osvRecords(names));
  const distro = result.os?.id;
  if (distro && release) {
    const sources = [...new Set(result.packages.filter((p) => isOsPackageType(p.type)).map((p) => p.source?.name ?? p.name))];
    index.addOs(await data.osAdvisories(distro, release, sources));
    if (await data.hasRelease(distro, release)) index.markRelease(distro, release);
  }
  return index;
}

/** The advisories a catalog can match, queried from the store (the SQL side loads only when used). */
export async function loadIndexFor(store: Store, result: CatalogResult, release: string | undefined): Promise<MemoryIndex> {
  const { storeAdvisoryData } = await import('./store-data.js');
  return loadIndexFrom(storeAdvisoryData(store), result, release);
}
