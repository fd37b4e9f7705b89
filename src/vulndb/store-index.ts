/**
 * Loads exactly the advisories a catalog can match into a MemoryIndex, through one data-access
 * seam (`AdvisoryData`) with two implementations: SQL on the store (here) and the advisory index
 * file (`index-file/`). Both return the same rows in the same order, so a scan's findings do not
 * depend on which one answered.
 */
import type { SourceTimes } from './freshness.js';
import { ecosystemKey, isOsPackageType, osvEcosystemOfType } from '../core/package-types.js';
import type { CatalogResult } from '../core/types.js';
import type { Store } from '../store/store.js';
import { MemoryIndex, osvEcosystemOf } from './match.js';
import { normalisePackageName, type OsvRecord } from './osv.js';
import type { FixState } from '../core/vulnerability.js';
import type { OsAdvisory } from './types.js';


export interface PackageKey {
  /** As stored in `osv_packages.ecosystem`: the OSV ecosystem before `:`, lower case (`npm`, `debian`). */
  ecosystem: string;
  name: string;
}

/** Which advisory data the store holds (for "no data" notes and coverage checks). */
export interface AdvisoryCoverage {
  /** Distribution releases with OS advisories (Debian tracker, Alpine secdb). */
  osReleases: { distro: string; release: string; advisories: number }[];
  /** Ecosystems of OSV package entries (`npm`, `pypi`, `debian`, …) with their package count. */
  osvPackageEcosystems: { ecosystem: string; packages: number }[];
  /** Full OSV ecosystem names of the records, lower case (`debian:12`, `alpine:v3.19`, `npm`). */
  osvEcosystems: string[];
}

/** The queries a scan asks of the advisory data. */
export interface AdvisoryData {
  /** Records that are not withdrawn with an entry for one of these packages: each once, by id (bytewise). */
  osvRecords(keys: PackageKey[]): Promise<OsvRecord[]>;
  /** Whether any record has an entry of this OS ecosystem release (`Debian:12`, or `Debian:12:…`). */
  hasOsvEcosystem(osvEcosystem: string): Promise<boolean>;
  /** A release's advisories for these source packages; one package's in import order. */
  osAdvisories(distro: string, release: string, packages: string[]): Promise<OsAdvisory[]>;
  hasRelease(distro: string, release: string): Promise<boolean>;
  coverage(): Promise<AdvisoryCoverage>;
  /** Which of these OSV ecosystems (spelled as OSV does: `npm`, `PyPI`) have package entries; cheap (no whole-table pass). */
  languagesWithData(ecosystems: string[]): Promise<Set<string>>;
  /** Import and last-check times of every source (for the stale-data warning). */
  sourceTimes(): Promise<SourceTimes[]>;
}

export interface OsAdvisoryRow {
  id: string;
  distro: string;
  release: string;
  package: string;
  state: string;
  fixed_version: string | null;
  severity: string | null;
  description: string | null;
  source: string;
}

/** One `os_advisories` row as the matcher sees it (empty optional columns are absent). */
export function osAdvisoryOf(r: OsAdvisoryRow): OsAdvisory {
  return { id: r.id, distro: r.distro, release: r.release, package: r.package, state: r.state as FixState, ...(r.fixed_version ? { fixedVersion: r.fixed_version } : {}), ...(r.severity ? { severity: r.severity } : {}), ...(r.description ? { description: r.description } : {}), source: r.source };
}

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
