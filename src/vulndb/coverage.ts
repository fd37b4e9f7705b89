/**
 * Coverage of a scan: which of the ecosystems found in the target had advisory data to check
 * against, and which did not. A scan where none of them had any data is not a clean result but
 * an empty database (`DB_EMPTY`); ecosystems without data are named in every report, never
 * folded into "0 vulnerabilities". Pure: the caller says which data exists, however it is read
 * (the store, an index file).
 */
import {
  isOsPackageType,
  osvEcosystemOfType,
  type CatalogResult,
  type Coverage,
  type CoverageEntry,
} from '../core/index.js';
import { osvEcosystemOf, releaseOf } from './match.js';

/** Which advisory data exists, whatever holds it. */
export interface DataPresence {
  /** OSV data for a language ecosystem, spelled as OSV does (`npm`, `PyPI`, `Go`, `crates.io`). */
  hasLanguageData(ecosystem: string): boolean;
  /** Distribution advisories (Debian tracker, Alpine secdb) for a release (`debian`, `bookworm`). */
  hasOsData(distro: string, release: string): boolean;
  /** A distribution's own OSV records for a release (`Debian:12`). */
  hasOsvData(ecosystem: string): boolean;
}

/** The language ecosystems (OSV spelling) with packages in a result, for the caller's look-ups. */
export function languageEcosystemsOf(result: CatalogResult): string[] {
  const out = new Set<string>();
  for (const p of result.packages) {
    const eco = osvEcosystemOfType(p.type);
    // A language package installed by an OS package is matched through the distribution's data.
    if (eco && !p.metadata?.osPackage) out.add(eco);
  }
  return [...out].sort();
}

/** Splits the target's ecosystems into those that had advisory data and those that did not. */
export function assessCoverage(result: CatalogResult, presence: DataPresence): Coverage {
  const checked: CoverageEntry[] = [];
  const uncovered: CoverageEntry[] = [];
  const osCount = result.packages.filter((p) => isOsPackageType(p.type)).length;
  if (osCount > 0) {
    const distro = result.os?.id;
    const release = releaseOf(result);
    if (!distro || !release) {
      uncovered.push({ ecosystem: distro ?? 'os', packages: osCount, reason: 'release-unknown' });
    } else {
      const osvEco = osvEcosystemOf(result.os);
      const has = presence.hasOsData(distro, release) || (osvEco !== undefined && presence.hasOsvData(osvEco));
      (has ? checked : uncovered).push({ ecosystem: distro, release, packages: osCount, ...(has ? {} : { reason: 'no-data' as const }) });
    }
  }
  const counts = new Map<string, number>();
  for (const p of result.packages) {
    const eco = osvEcosystemOfType(p.type);
    if (eco && !p.metadata?.osPackage) counts.set(eco, (counts.get(eco) ?? 0) + 1);
  }
  for (const [eco, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (presence.hasLanguageData(eco)) checked.push({ ecosystem: eco, packages: n });
    else uncovered.push({ ecosystem: eco, packages: n, reason: 'no-data' });
  }
  return { checked, uncovered };
}

/**
 * True when packages were found but no advisory data exists for any of their ecosystems: the
 * scan checked nothing, and `db update` is what fixes it.
 */
export function isDatabaseEmptyFor(c: Coverage): boolean {
  return c.checked.length === 0 && c.uncovered.some((e) => e.reason === 'no-data');
}

/**
 * Notes for language ecosystems without data (the matcher already says so for OS releases), in
 * the same words as the matcher's.
 */
export function coverageNotes(c: Coverage): string[] {
  return c.uncovered
    .filter((e) => e.reason === 'no-data' && e.release === undefined)
    .map((e) => `No advisory data for ${e.ecosystem}: its ${e.packages} package${e.packages === 1 ? ' was' : 's were'} not checked (this is not "0 vulnerabilities").`);
}

/** Data presence from the language ecosystems that have data and the loaded index's OS data. */
export function dataPresenceOf(
  languages: ReadonlySet<string>,
  index: { hasOsData(distro: string, release: string): boolean; hasOsvData(ecosystem: string): boolean },
): DataPresence {
  return {
    hasLanguageData: (eco) => languages.has(eco),
    hasOsData: (distro, release) => index.hasOsData(distro, release),
    hasOsvData: (eco) => index.hasOsvData(eco),
  };
}
