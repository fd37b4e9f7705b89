/**
 * The matcher: OS packages by distro + release + source package against the distribution's own
 * fixed versions and states; language packages by OSV ranges. Aliases are merged so one flaw is
 * one finding per package. Language packages installed by an OS package (`metadata.osPackage`)
 * are left to the distribution's advisories, which know its backports.
 */
import {
  ecosystemKey,
  osvEcosystemOfType,
  severityRank,
  type SeverityInfo,
  type CatalogResult,
  type Package,
  type MatchResult,
  type VulnerabilityFinding,
} from '../core/index.js';
import { schemeFor } from '../versions/index.js';
import { ecosystemMatches, evaluateOsv, type OsvRecord } from './osv.js';
import { osvSeverity, vendorSeverity } from './severity.js';
import type { OsAdvisory } from './types.js';

export interface AdvisoryIndex {
  osAdvisories(distro: string, release: string, sourcePackage: string): OsAdvisory[];
  /** OSV records by ecosystem (`npm`, or an OS one with its release, `Debian:12`) and package name. */
  osvRecords(ecosystem: string, name: string): OsvRecord[];
  /** Whether any advisory data exists for this distro release (to say so instead of "0 vulnerabilities"). */
  hasOsData(distro: string, release: string): boolean;
  /** Whether OSV records of this OS ecosystem release (`Debian:12`) were imported. */
  hasOsvData(ecosystem: string): boolean;
}

const DEBIAN_CODENAMES: Record<string, string> = { '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie' };

export function releaseOf(result: CatalogResult): string | undefined {
  const os = result.os;
  if (!os) return undefined;
  if (os.id === 'debian') return os.codename ?? DEBIAN_CODENAMES[os.versionId?.split('.')[0] ?? ''];
  if (os.id === 'alpine') return os.versionId?.split('.').slice(0, 2).join('.');
  return os.codename ?? os.versionId;
}

function primaryId(ids: string[]): string {
  return ids.find((i) => i.startsWith('CVE-')) ?? ids[0]!;
}

/**
 * The OSV ecosystem (with release) of a distribution's own OSV records: `Debian:12`,
 * `Alpine:v3.19`, `Ubuntu:22.04`. Undefined for distributions whose OSV data we don't match.
 */
export function osvEcosystemOf(os: CatalogResult['os']): string | undefined {
  if (!os?.versionId) return undefined;
  if (os.id === 'debian') return `Debian:${os.versionId.split('.')[0]}`;
  if (os.id === 'alpine') return `Alpine:v${os.versionId.split('.').slice(0, 2).join('.')}`;
  if (os.id === 'ubuntu') return `Ubuntu:${os.versionId}`;
  return undefined;
}

/**
 * A distribution's OSV record (DSA/DLA/DEBIAN-CVE, ALPINE-CVE, USN) as findings: one per flaw.
 * A DSA that fixes three CVEs is three findings, each carrying the DSA among its aliases, so they
 * merge with the tracker's CVE findings instead of swallowing each other.
 */
function matchOsOsv(p: Package, ecosystem: string, index: AdvisoryIndex): VulnerabilityFinding[] {
  const src = p.source?.name ?? p.name;
  const out: VulnerabilityFinding[] = [];
  for (const rec of index.osvRecords(ecosystem, src)) {
    const r = evaluateOsv(rec, ecosystem, src, p.version);
    if (!r.affected) continue;
    const cves = [...new Set([...(rec.aliases ?? []), ...(rec.upstream ?? [])].filter((i) => i.startsWith('CVE-')))];
    const others = [...new Set([rec.id, ...(rec.aliases ?? []), ...(rec.upstream ?? [])].filter((i) => !i.startsWith('CVE-')))];
    const flaws = cves.length > 0 ? cves : [rec.id];
    const title = rec.summary ?? rec.details?.split('\n')[0];
    for (const id of flaws) out.push(osvFinding(p, rec, r.fixedVersions, id, others.filter((i) => i !== id).sort(), title));
  }
  return out;
}

function matchOs(p: Package, distro: string, release: string, index: AdvisoryIndex): VulnerabilityFinding[] {
  const scheme = schemeFor(p.type);
  const src = p.source?.name ?? p.name;
  const out: VulnerabilityFinding[] = [];
  for (const a of index.osAdvisories(distro, release, src)) {
    if (a.state === 'not-affected') continue;
    if (a.state === 'fixed') {
      if (!a.fixedVersion) continue;
      try {
        if (scheme.compare(p.version, a.fixedVersion) >= 0) continue;
      } catch {
        continue;
      }
    }
    out.push({
      id: a.id,
      aliases: [],
      packageId: p.id,
      packageName: p.name,
      packageType: p.type,
      installedVersion: p.version,
      fixedVersions: a.state === 'fixed' && a.fixedVersion ? [a.fixedVersion] : [],
      state: a.state,
      ...sev(vendorSeverity(a.severity, a.distro)),
      ...(a.description ? { title: a.description } : {}),
      sources: [a.source],
      ...where(p),
    });
  }
  return out;
}

function matchLanguage(p: Package, index: AdvisoryIndex): VulnerabilityFinding[] {
  const eco = osvEcosystemOfType(p.type);
  if (!eco || p.metadata?.osPackage) return [];
  const out: VulnerabilityFinding[] = [];
  for (const rec of index.osvRecords(eco, p.name)) {
    const r = evaluateOsv(rec, eco, p.name, p.version);
    if (!r.affected) continue;
    const ids = [rec.id, ...(rec.aliases ?? [])];
    out.push(osvFinding(p, rec, r.fixedVersions, primaryId(ids), ids.filter((x) => x !== primaryId(ids)), rec.summary));
  }
  return out;
}

/** A finding from an OSV record's verdict on a package. */
function osvFinding(p: Package, rec: OsvRecord, fixedVersions: string[], id: string, aliases: string[], title: string | undefined): VulnerabilityFinding {
  return {
    id,
    aliases,
    packageId: p.id,
    packageName: p.name,
    packageType: p.type,
    installedVersion: p.version,
    fixedVersions,
    state: fixedVersions.length > 0 ? 'fixed' : 'unfixed',
    ...sev(osvSeverity(rec)),
    ...(title ? { title } : {}),
    sources: [`osv:${rec.id}`],
    ...where(p),
  };
}

/** Where a finding's package is: purl, first location and its layer. */
function where(p: Package): Pick<VulnerabilityFinding, 'purl' | 'location' | 'layerDiffId'> {
  const loc = p.locations[0];
  return { ...(p.purl ? { purl: p.purl } : {}), ...(loc ? { location: loc.path } : {}), ...(loc?.layerDiffId ? { layerDiffId: loc.layerDiffId } : {}) };
}

function sev(s: SeverityInfo | undefined): { severity?: SeverityInfo } {
  return s ? { severity: s } : {};
}

/** Merges findings of one package that share any id or alias (CVE ↔ GHSA ↔ PYSEC ↔ DSA). */
export function mergeAliases(findings: VulnerabilityFinding[]): VulnerabilityFinding[] {
  const byPkg = new Map<string, VulnerabilityFinding[]>();
  for (const f of findings) byPkg.set(f.packageId, [...(byPkg.get(f.packageId) ?? []), f]);
  const out: VulnerabilityFinding[] = [];
  for (const list of byPkg.values()) {
    const groups: VulnerabilityFinding[] = [];
    for (const f of list) {
      const ids = new Set([f.id, ...f.aliases]);
      // Two different CVEs are never one flaw, even when one advisory (a DSA) names both.
      const g = groups.find((x) => !(x.id.startsWith('CVE-') && f.id.startsWith('CVE-') && x.id !== f.id) && [x.id, ...x.aliases].some((i) => ids.has(i)));
      if (!g) {
        groups.push({ ...f, aliases: [...f.aliases], fixedVersions: [...f.fixedVersions], sources: [...f.sources] });
        continue;
      }
      const all = [...new Set([g.id, ...g.aliases, ...ids])];
      g.id = primaryId(all);
      g.aliases = all.filter((i) => i !== g.id).sort();
      g.fixedVersions = [...new Set([...g.fixedVersions, ...f.fixedVersions])];
      g.sources = [...new Set([...g.sources, ...f.sources])];
      if (!g.title && f.title) g.title = f.title;
      // Prefer a scored CVSS severity, then the higher rating.
      if (f.severity && (!g.severity || (!g.severity.score && f.severity.score) || (!!g.severity.score === !!f.severity.score && severityRank(f.severity.severity) > severityRank(g.severity.severity)))) g.severity = f.severity;
      if (g.state !== 'fixed' && f.state === 'fixed') g.state = 'fixed';
    }
    out.push(...groups);
  }
  return out;
}

export function matchCatalog(result: CatalogResult, index: AdvisoryIndex): MatchResult {
  const notes: string[] = [];
  const findings: VulnerabilityFinding[] = [];
  const distro = result.os?.id;
  const release = releaseOf(result);
  const osPackages = result.packages.filter((p) => p.type === 'deb' || p.type === 'apk' || p.type === 'rpm');
  if (osPackages.length > 0) {
    const osvEco = osvEcosystemOf(result.os);
    const hasOsv = osvEco !== undefined && index.hasOsvData(osvEco);
    if (!distro || !release) notes.push('OS packages were found but the OS release could not be detected: OS packages were not matched.');
    else if (!index.hasOsData(distro, release) && !hasOsv) notes.push(`No advisory data for ${distro} ${release}: its ${osPackages.length} OS packages were not checked (this is not "0 vulnerabilities").`);
    else {
      for (const p of osPackages) {
        findings.push(...matchOs(p, distro, release, index));
        if (hasOsv) findings.push(...matchOsOsv(p, osvEco, index));
      }
    }
  }
  for (const p of result.packages) findings.push(...matchLanguage(p, index));
  return { findings: mergeAliases(findings), notes };
}

/** A simple in-memory index (tests, small imports). */
export class MemoryIndex implements AdvisoryIndex {
  private readonly os = new Map<string, OsAdvisory[]>();
  private readonly releases = new Set<string>();
  private readonly osv = new Map<string, OsvRecord[]>();
  private readonly osvEcosystems = new Set<string>();

  addOs(list: OsAdvisory[]): this {
    for (const a of list) {
      const k = `${a.distro}|${a.release}|${a.package}`;
      this.os.set(k, [...(this.os.get(k) ?? []), a]);
      this.releases.add(`${a.distro}|${a.release}`);
    }
    return this;
  }

  addOsv(records: OsvRecord[]): this {
    for (const r of records) {
      for (const a of r.affected ?? []) {
        if (!a.package) continue;
        this.osvEcosystems.add(a.package.ecosystem.toLowerCase());
        const eco = ecosystemKey(a.package.ecosystem);
        const k = `${eco}|${eco === 'pypi' ? a.package.name.toLowerCase().replace(/[-_.]+/g, '-') : a.package.name}`;
        const list = this.osv.get(k) ?? [];
        if (!list.includes(r)) list.push(r);
        this.osv.set(k, list);
      }
    }
    return this;
  }

  /** Records that advisory data exists for a release even if none of its rows were loaded. */
  markRelease(distro: string, release: string): this {
    this.releases.add(`${distro}|${release}`);
    return this;
  }

  osAdvisories(distro: string, release: string, pkg: string): OsAdvisory[] {
    return this.os.get(`${distro}|${release}|${pkg}`) ?? [];
  }

  osvRecords(ecosystem: string, name: string): OsvRecord[] {
    const eco = ecosystemKey(ecosystem);
    return this.osv.get(`${eco}|${eco === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name}`) ?? [];
  }

  hasOsData(distro: string, release: string): boolean {
    return this.releases.has(`${distro}|${release}`);
  }

  /** Records that OSV data exists for an OS ecosystem release even if none of its records were loaded. */
  markOsvEcosystem(ecosystem: string): this {
    this.osvEcosystems.add(ecosystem.toLowerCase());
    return this;
  }

  hasOsvData(ecosystem: string): boolean {
    for (const e of this.osvEcosystems) if (ecosystemMatches(e, ecosystem)) return true;
    return false;
  }
}
