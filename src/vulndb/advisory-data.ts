/**
 * The seam between a scan and the advisory data (`AdvisoryData`): the queries a scan asks, with
 * two implementations, SQL on the store (store-data.ts) and the advisory index file (`index-file/`).
 */
import type { FixState } from '../core/index.js';
import type { SourceTimes } from './freshness.js';
import type { OsvRecord } from './osv.js';
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
