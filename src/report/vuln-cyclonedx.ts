/**
 * `scan --format cyclonedx`: the SBOM of `portcullis sbom --format cyclonedx` (same components,
 * same bom-refs) plus CycloneDX 1.6 `vulnerabilities[]`, one per finding (vulnerability ×
 * package), so that each carries its own `analysis`.
 *
 * - `source`: where the id is defined: NVD (CVE), GitHub (GHSA), Debian (DSA/DLA/DTSA/TEMP),
 *   Alpine (ALPINE), OSV otherwise; `references[]`: every alias with its own source.
 * - `ratings[]`: the finding's severity: score, lowercase severity, method CVSSv31 / CVSSv3 /
 *   CVSSv4 for CVSS vectors and `other` for vendor ratings, the vector.
 * - `affects[].ref`: the package's bom-ref, `versions: [{ version: installed, status: affected }]`.
 * - `advisories[]`: the records the finding came from; `recommendation`: the fixed versions.
 * - `analysis`: from VEX. Findings a VEX statement suppressed are included with their state
 *   (`not_affected`, `resolved`, or the CycloneDX state as written), others with `exploitable` /
 *   `in_triage` when a statement says affected / under_investigation.
 * - `properties`: `portcullis:vulnerability:fixState`, `portcullis:vulnerability:location`,
 *   `portcullis:vex:source`.
 */
import { toCycloneDx } from '../sbom/index.js';
import type { VexFinding, VexNote, VulnerabilityFinding } from '../core/index.js';
import type { VulnReportInput, VulnRenderOptions } from './vulns.js';

type Json = Record<string, unknown>;

export interface VulnCycloneDxOptions extends VulnRenderOptions {
  /** UUID for `serialNumber`; random by default. */
  serial?: string;
}

/** Property names written on vulnerabilities. */
export const VULN_CYCLONEDX_PROPERTIES = {
  fixState: 'portcullis:vulnerability:fixState',
  location: 'portcullis:vulnerability:location',
  vexSource: 'portcullis:vex:source',
} as const;

interface IdSource {
  name: string;
  url: string;
}

/** Where an advisory id is published, by its prefix. */
export function sourceOfId(id: string): IdSource {
  const e = encodeURIComponent(id);
  if (/^CVE-\d{4}-\d+$/i.test(id)) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${e}` };
  if (/^GHSA-/i.test(id)) return { name: 'GitHub', url: `https://github.com/advisories/${e}` };
  if (/^(DSA|DLA|DTSA|TEMP)-/i.test(id))
    return { name: 'Debian', url: `https://security-tracker.debian.org/tracker/${e}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${e}` };
}

/** The advisory URL behind a finding source (`debian-tracker`, `alpine-secdb`, `osv:ID`). */
function advisoryOf(source: string, f: VulnerabilityFinding): Json | undefined {
  if (source === 'debian-tracker')
    return {
      title: `Debian security tracker: ${f.id}`,
      url: `https://security-tracker.debian.org/tracker/${encodeURIComponent(f.id)}`,
    };
  if (source === 'alpine-secdb')
    return {
      title: `Alpine secdb: ${f.id}`,
      url: `https://security.alpinelinux.org/vuln/${encodeURIComponent(f.id)}`,
    };
  if (source.startsWith('osv:')) {
    const id = source.slice(4);
    const s = sourceOfId(id);
    return {
      title: `${s.name === 'GitHub' ? 'GitHub advisory' : 'OSV'}: ${id}`,
      url: s.name === 'GitHub' ? s.url : `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
    };
  }
  return undefined;
}

const METHODS: Record<string, string> = { 'cvss:3.1': 'CVSSv31', 'cvss:3.0': 'CVSSv3', 'cvss:4.0': 'CVSSv4' };
const RATING_SOURCES: Record<string, IdSource> = {
  debian: { name: 'Debian', url: 'https://security-tracker.debian.org/tracker/' },
  alpine: { name: 'Alpine', url: 'https://secdb.alpinelinux.org/' },
  ghsa: { name: 'GitHub', url: 'https://github.com/advisories' },
};

function rating(f: VulnerabilityFinding): Json | undefined {
  const s = f.severity;
  if (!s) return undefined;
  const from =
    RATING_SOURCES[s.source] ??
    (f.sources[0]?.startsWith('osv:') ? sourceOfId(f.sources[0].slice(4)) : undefined);
  return {
    ...(from ? { source: from } : {}),
    ...(s.score !== undefined ? { score: s.score } : {}),
    severity: s.severity.toLowerCase(),
    method: METHODS[s.source] ?? 'other',
    ...(s.vector ? { vector: s.vector } : {}),
  };
}

const OPENVEX_TO_CDX_JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};
const STATUS_TO_STATE: Record<string, string> = {
  not_affected: 'not_affected',
  fixed: 'resolved',
  affected: 'exploitable',
  under_investigation: 'in_triage',
};

function analysis(v: VexNote): Json {
  const justification =
    v.format === 'cyclonedx'
      ? v.justification
      : v.justification
        ? OPENVEX_TO_CDX_JUSTIFICATION[v.justification]
        : undefined;
  const label =
    v.justification && v.format === 'openvex' ? `(OpenVEX justification: ${v.justification})` : undefined;
  const detail = [v.impactStatement, label].filter(Boolean).join(' ');
  return {
    state: v.analysisState ?? STATUS_TO_STATE[v.status],
    ...(justification ? { justification } : {}),
    ...(detail ? { detail } : {}),
    ...(v.timestamp ? { lastUpdated: v.timestamp } : {}),
  };
}

function vulnerability(f: VexFinding): Json {
  const v: Json = { 'bom-ref': `vulnerability:${f.id}:${f.packageId}`, id: f.id, source: sourceOfId(f.id) };
  if (f.aliases.length) v.references = f.aliases.map((a) => ({ id: a, source: sourceOfId(a) }));
  const r = rating(f);
  if (r) v.ratings = [r];
  if (f.title) v.description = f.title;
  if (f.fixedVersions.length)
    v.recommendation = `Upgrade ${f.packageName} to ${f.fixedVersions.join(' or ')}.`;
  const advisories = f.sources.map((s) => advisoryOf(s, f)).filter((a): a is Json => !!a);
  if (advisories.length) v.advisories = advisories;
  if (f.vex) v.analysis = analysis(f.vex);
  v.affects = [{ ref: f.packageId, versions: [{ version: f.installedVersion, status: 'affected' }] }];
  const props: { name: string; value: string }[] = [
    { name: VULN_CYCLONEDX_PROPERTIES.fixState, value: f.state },
  ];
  if (f.location) props.push({ name: VULN_CYCLONEDX_PROPERTIES.location, value: f.location });
  if (f.vex) props.push({ name: VULN_CYCLONEDX_PROPERTIES.vexSource, value: f.vex.source });
  v.properties = props;
  return v;
}

/** Renders findings (and VEX-suppressed findings) as a CycloneDX 1.6 JSON BOM with vulnerabilities. */
export function renderVulnCycloneDx(input: VulnReportInput, opts: VulnCycloneDxOptions): string {
  const doc = toCycloneDx(input.result, {
    toolVersion: opts.toolVersion,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.serial ? { serial: opts.serial } : {}),
  });
  const all = [...input.findings, ...(input.suppressed ?? [])];
  all.sort(
    (a, b) =>
      a.id.localeCompare(b.id) ||
      a.packageName.localeCompare(b.packageName) ||
      a.packageId.localeCompare(b.packageId),
  );
  doc.vulnerabilities = all.map(vulnerability);
  return JSON.stringify(doc, null, 2) + '\n';
}
