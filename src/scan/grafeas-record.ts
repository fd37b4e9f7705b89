/** A scan as Grafeas notes and occurrences: the `occurrences:replaceScan` request body (DISCOVERY, PACKAGE, VULNERABILITY). */
import { createHash } from 'node:crypto';
import {
  type CatalogResult,
  type Package,
  type VulnerabilityFinding,
  grafeasPackageTypeOf,
  GRAFEAS_SEVERITY_OF,
} from '../core/index.js';
import { affectedCpeUri, osCpeUri } from './grafeas-cpe.js';

export const DEFAULT_NOTES_PROJECT = 'portcullis-vulnerabilities';
/** The DISCOVERY note every scan occurrence points at. */
export const SCAN_NOTE_ID = 'portcullis-scan';

export type Json = Record<string, unknown>;

export interface ScanRecord {
  resourceUri: string;
  notesProject: string;
  kinds: string[];
  notes: Record<string, Json>;
  occurrences: Json[];
}

// ---------------------------------------------------------------------------------------------
// Scan → notes and occurrences

/** Grafeas Architecture has X86 and X64 only. */
export const ARCH: Record<string, string> = {
  amd64: 'X64',
  x86_64: 'X64',
  i386: 'X86',
  i686: 'X86',
  x86: 'X86',
};

/**
 * A note id from any string: characters outside `[A-Za-z0-9._-]` become `~` and two hex digits
 * (so distinct names stay distinct); overlong ids keep a prefix and a hash.
 */
export function noteIdOf(s: string): string {
  let id = s.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `~${b.toString(16).padStart(2, '0')}`).join(''),
  );
  if (!/^[A-Za-z0-9]/.test(id)) id = `x${id}`;
  if (id.length > 255)
    id = `${id.slice(0, 230)}-${createHash('sha256').update(s).digest('hex').slice(0, 24)}`;
  return id;
}

/** Grafeas Version of a package version; dpkg/rpm `epoch:upstream-revision` split. */
export function versionOf(type: string, v: string): Json {
  if (type === 'deb' || type === 'rpm') {
    const m = /^(?:(\d+):)?(.+?)(?:-([^-]+))?$/.exec(v);
    if (m)
      return {
        ...(m[1] ? { epoch: Number(m[1]) } : {}),
        name: m[2],
        ...(m[3] ? { revision: m[3] } : {}),
        kind: 'NORMAL',
        fullName: v,
      };
  }
  return { name: v, kind: 'NORMAL', fullName: v };
}

export function relatedUrls(f: VulnerabilityFinding): { url: string; label: string }[] {
  const out: { url: string; label: string }[] = [];
  for (const id of [f.id, ...f.aliases.filter((a) => a !== f.id)]) {
    if (id.startsWith('CVE-')) out.push({ url: `https://nvd.nist.gov/vuln/detail/${id}`, label: 'NVD' });
    else if (id.startsWith('GHSA-'))
      out.push({ url: `https://github.com/advisories/${id}`, label: 'GitHub Advisory' });
    else out.push({ url: `https://osv.dev/vulnerability/${id}`, label: 'OSV' });
  }
  if (f.id.startsWith('CVE-') && f.sources.includes('debian-tracker'))
    out.push({
      url: `https://security-tracker.debian.org/tracker/${f.id}`,
      label: 'Debian security tracker',
    });
  return out;
}

export function cvssOf(f: VulnerabilityFinding): Json {
  const s = f.severity;
  if (s?.score === undefined) return {};
  const version = s.source.startsWith('cvss:3')
    ? 'CVSS_VERSION_3'
    : s.source.startsWith('cvss:2')
      ? 'CVSS_VERSION_2'
      : undefined;
  return { cvssScore: s.score, ...(version ? { cvssVersion: version } : {}) };
}

export interface BuildScanRecordOptions {
  result: CatalogResult;
  /** The findings reported (after severity, ignore and VEX filters). */
  findings: VulnerabilityFinding[];
  /** Coverage statements of the match (no advisory data for …). */
  coverage?: string[];
  resourceUri: string;
  notesProject?: string;
  toolVersion: string;
  now?: Date;
}

/** The replaceScan request for one scan. */
export function buildScanRecord(opts: BuildScanRecordOptions): ScanRecord {
  const notesProject = opts.notesProject ?? DEFAULT_NOTES_PROJECT;
  const now = opts.now ?? new Date();
  const noteName = (id: string) => `projects/${notesProject}/notes/${id}`;
  const notes: Record<string, Json> = {};
  const occurrences: Json[] = [];
  const uri = opts.resourceUri;

  notes[SCAN_NOTE_ID] = {
    shortDescription: 'Portcullis vulnerability scan',
    longDescription: 'Package and vulnerability analysis of container images by Portcullis.',
    discovery: { analysisKind: 'VULNERABILITY' },
  };
  occurrences.push({
    resourceUri: uri,
    noteName: noteName(SCAN_NOTE_ID),
    discovery: {
      continuousAnalysis: 'INACTIVE',
      analysisStatus: 'FINISHED_SUCCESS',
      analysisCompleted: { analysisType: ['PACKAGE', 'VULNERABILITY'] },
      // Coverage gaps are said, not hidden behind "0 vulnerabilities" (FAILED_PRECONDITION).
      ...(opts.coverage?.length
        ? { analysisError: opts.coverage.map((message) => ({ code: 9, message })) }
        : {}),
      lastScanTime: now.toISOString(),
      ...(opts.result.os ? { cpe: osCpeUri(opts.result.os) } : {}),
    },
  });

  const packageNoteId = (p: Pick<Package, 'type' | 'name'>) => noteIdOf(`pkg-${p.type}-${p.name}`);
  const seen = new Set<string>();
  for (const p of opts.result.packages) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    const id = packageNoteId(p);
    notes[id] ??= { shortDescription: p.name, package: { name: p.name, packageType: grafeasPackageTypeOf(p.type) } };
    occurrences.push({
      resourceUri: uri,
      noteName: noteName(id),
      package: {
        name: p.name,
        packageType: grafeasPackageTypeOf(p.type),
        version: versionOf(p.type, p.version),
        ...(p.arch && ARCH[p.arch] ? { architecture: ARCH[p.arch] } : {}),
        ...(p.licenses.length ? { license: { expression: p.licenses.join(' AND ') } } : {}),
        location: p.locations.map((l) => ({ path: l.path, version: versionOf(p.type, p.version) })),
      },
    });
  }

  const packagesById = new Map(opts.result.packages.map((p) => [p.id, p]));
  for (const f of opts.findings) {
    const id = noteIdOf(f.id);
    // Required by Grafeas on every PackageIssue and note Detail: the OS's CPE, else the package's.
    const cpe = affectedCpeUri(opts.result.os, {
      type: f.packageType,
      name: f.packageName,
      version: f.installedVersion,
      ...(packagesById.get(f.packageId)?.purl ? { purl: packagesById.get(f.packageId)!.purl } : {}),
    });
    const sev = GRAFEAS_SEVERITY_OF[f.severity?.severity ?? 'UNKNOWN'];
    const type = grafeasPackageTypeOf(f.packageType);
    const fixed = f.fixedVersions[0];
    const detail: Json = {
      affectedCpeUri: cpe,
      affectedPackage: f.packageName,
      packageType: type,
      severityName: sev,
      source: f.sources.join(','),
      ...(fixed ? { fixedVersion: versionOf(f.packageType, fixed) } : { fixedVersion: { kind: 'MAXIMUM' } }),
      ...(f.title ? { description: f.title } : {}),
    };
    const note = (notes[id] ??= {
      shortDescription: f.title ?? f.id,
      relatedUrl: relatedUrls(f),
      vulnerability: { severity: sev, ...cvssOf(f), details: [] as Json[] },
    });
    ((note.vulnerability as Json).details as Json[]).push(detail);
    occurrences.push({
      resourceUri: uri,
      noteName: noteName(id),
      ...(fixed ? { remediation: `Upgrade ${f.packageName} to ${fixed}` } : {}),
      vulnerability: {
        type,
        severity: sev,
        effectiveSeverity: sev,
        ...cvssOf(f),
        ...(f.title ? { shortDescription: f.title } : {}),
        fixAvailable: !!fixed,
        relatedUrls: relatedUrls(f),
        packageIssue: [
          {
            affectedCpeUri: cpe,
            affectedPackage: f.packageName,
            affectedVersion: versionOf(f.packageType, f.installedVersion),
            fixedCpeUri: cpe,
            fixedPackage: f.packageName,
            fixedVersion: fixed ? versionOf(f.packageType, fixed) : { kind: 'MAXIMUM' },
            fixAvailable: !!fixed,
            packageType: type,
            effectiveSeverity: sev,
            ...(f.location ? { fileLocation: [{ filePath: f.location }] } : {}),
          },
        ],
        ...(f.aliases.length
          ? { extraDetails: `aliases: ${f.aliases.join(', ')}; state: ${f.state}` }
          : { extraDetails: `state: ${f.state}` }),
      },
    });
  }
  return {
    resourceUri: uri,
    notesProject,
    kinds: ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'],
    notes,
    occurrences,
  };
}
