/** Vulnerability report renderers: table (grouped by target), JSON (schemaVersion 1) and SARIF 2.1.0. */
import { ANSI } from './ansi.js';
import {
  type CatalogResult,
  type Coverage,
  type MatchResult,
  type SuppressedFinding,
  uncoveredLine,
  type VulnerabilityFinding,
  packageTypeInfo,
  compareSeverity,
  SARIF_LEVEL_OF,
  SARIF_SECURITY_SEVERITY_OF,
  SEVERITIES,
  type Severity,
  type SecretFinding,
  type SecretSkippedFile,
} from '../core/index.js';
import { createHash } from 'node:crypto';
import { addSecretsToSarifRun, secretJsonFields, secretTableLines } from './secrets.js';

export interface VulnReportInput {
  result: CatalogResult;
  match: MatchResult;
  findings: VulnerabilityFinding[];
  /** Findings a VEX statement (not_affected / fixed) suppressed: reported apart, never counted as findings. */
  suppressed?: SuppressedFinding[];
  /** Secret findings (already redacted), when the secret scanner ran; absent otherwise. */
  secrets?: SecretFinding[];
  /** Files the secret scanner wanted but did not read. */
  secretsSkipped?: SecretSkippedFile[];
  /** Which ecosystems found had advisory data (checked) and which did not (uncovered). */
  coverage?: Coverage;
}

export interface VulnRenderOptions {
  toolVersion: string;
  now?: Date;
  color?: boolean;
}

const sevOf = (f: VulnerabilityFinding): Severity => f.severity?.severity ?? 'UNKNOWN';

function summary(findings: VulnerabilityFinding[]): Record<Severity, number> {
  const s = Object.fromEntries(SEVERITIES.map((k) => [k, 0])) as Record<Severity, number>;
  for (const f of findings) s[sevOf(f)]++;
  return s;
}

/** `path (kind) · layer N sha256:abcdef…` — the target a group of findings was found in. */
function targetHeading(target: string, list: VulnerabilityFinding[], result: CatalogResult): string {
  const kinds = [...new Set(list.map((f) => packageTypeInfo(f.packageType)?.label ?? f.packageType))].join(', ');
  const layers = [...new Set(list.map((f) => f.layerDiffId).filter((x): x is string => !!x))];
  const layer = layers.length === 1 ? result.artifact.layers.find((l) => l.diffId === layers[0]) : undefined;
  return `${target} (${kinds})${layer ? ` · layer ${layer.index} ${layer.diffId.slice(0, 19)}` : ''}`;
}

export function renderVulnTable(input: VulnReportInput, opts: VulnRenderOptions): string {
  const c = opts.color ? ANSI : { bold: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, magenta: (s: string) => s };
  const color = (s: Severity) => (s === 'CRITICAL' ? c.magenta(s) : s === 'HIGH' ? c.red(s) : s === 'MEDIUM' ? c.yellow(s) : s);
  const out: string[] = [c.bold(input.result.artifact.reference) + (input.result.os ? ` (${input.result.os.prettyName ?? input.result.os.id})` : ''), ''];
  for (const n of input.match.notes) out.push(`note: ${n}`);
  const groups = new Map<string, VulnerabilityFinding[]>();
  for (const f of input.findings) groups.set(f.location ?? '(unknown)', [...(groups.get(f.location ?? '(unknown)') ?? []), f]);
  for (const [target, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(c.bold(targetHeading(target, list, input.result)));
    list.sort((a, b) => compareSeverity(sevOf(b), sevOf(a)) || a.packageName.localeCompare(b.packageName) || a.id.localeCompare(b.id));
    const rows = list.map((f) => [f.packageName, f.id, sevOf(f), f.installedVersion, f.fixedVersions.join(', ') || (f.state === 'unfixed' ? '(no fix)' : f.state), (f.title ?? '').replace(/\s+/g, ' ').slice(0, 60)]);
    const head = ['PACKAGE', 'VULNERABILITY', 'SEVERITY', 'INSTALLED', 'FIXED', 'TITLE'];
    const w = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    out.push(head.map((h, i) => h.padEnd(w[i]!)).join('  ').trimEnd());
    for (const r of rows) out.push(r.map((x, i) => (i === 2 ? color(x as Severity) + ' '.repeat(Math.max(0, w[i]! - x.length)) : x.slice(0, 40).padEnd(w[i]!))).join('  ').trimEnd());
    out.push('');
  }
  const s = summary(input.findings);
  out.push(`Total: ${input.findings.length} (${SEVERITIES.slice().reverse().map((k) => `${k}: ${s[k]}`).join(', ')})`);
  const notChecked = input.coverage ? uncoveredLine(input.coverage) : undefined;
  if (notChecked) out.push(notChecked);
  const vexed = input.suppressed ?? [];
  if (vexed.length > 0) out.push(`Suppressed by VEX: ${vexed.length} (${[...new Set(vexed.map((f) => f.vex.status))].map((st) => `${st}: ${vexed.filter((f) => f.vex.status === st).length}`).join(', ')})`);
  if (input.secrets) out.push('', ...secretTableLines(input.secrets, input.secretsSkipped ?? [], !!opts.color));
  return out.join('\n') + '\n';
}

export function renderVulnJson(input: VulnReportInput, opts: VulnRenderOptions): string {
  return (
    JSON.stringify(
      {
        schemaVersion: 1,
        tool: { name: 'portcullis', version: opts.toolVersion },
        createdAt: (opts.now ?? new Date()).toISOString(),
        artifact: input.result.artifact,
        ...(input.result.os ? { os: input.result.os } : {}),
        notes: input.match.notes,
        ...(input.coverage ? { coverage: input.coverage } : {}),
        vulnerabilities: input.findings,
        suppressed: input.suppressed ?? [],
        summary: summary(input.findings),
        ...(input.secrets ? secretJsonFields(input.secrets, input.secretsSkipped ?? []) : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** `partialFingerprints` key: one hash per (vulnerability id, package, location), so re-uploads de-duplicate. */
export const SARIF_FINGERPRINT = 'portcullisFinding/v1';

function fingerprintOf(f: VulnerabilityFinding, artifact: string): string {
  return createHash('sha256').update(`${f.id}\n${f.packageType}/${f.packageName}\n${f.location ?? artifact}`).digest('hex');
}

/** A relative URI reference for a path: no leading slash, percent-encoded where a URI needs it. */
function sarifUri(path: string): string {
  return encodeURI(path.replace(/^\/+/, '')).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

/** A VEX suppression as SARIF says it: kept in the log, marked suppressed, with the reason. */
function sarifSuppression(f: SuppressedFinding): object {
  const why = [f.vex.status, f.vex.justification, f.vex.impactStatement].filter(Boolean).join(': ');
  return { kind: 'external', status: 'accepted', justification: `VEX ${f.vex.source}: ${why}`, properties: { vex: f.vex } };
}

export function renderVulnSarif(input: VulnReportInput, opts: VulnRenderOptions): string {
  const rules = new Map<string, object>();
  const vexed = input.suppressed ?? [];
  for (const f of [...input.findings, ...vexed]) {
    if (rules.has(f.id)) continue;
    rules.set(f.id, {
      id: f.id,
      name: 'Vulnerability',
      shortDescription: { text: `${f.id}: ${f.title ?? f.packageName}`.slice(0, 1000) },
      fullDescription: { text: f.title ?? f.id },
      help: { text: `Aliases: ${f.aliases.join(', ') || 'none'}. Fixed versions: ${f.fixedVersions.join(', ') || 'none yet'}.` },
      properties: { 'security-severity': f.severity?.score !== undefined ? String(f.severity.score) : SARIF_SECURITY_SEVERITY_OF[sevOf(f)], tags: ['vulnerability', 'security', sevOf(f)] },
    });
  }
  const ruleIds = [...rules.keys()];
  const doc = {
    version: '2.1.0',
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'portcullis', version: opts.toolVersion, rules: [...rules.values()] } },
        results: [...input.findings, ...vexed].map((f) => ({
          ruleId: f.id,
          ruleIndex: ruleIds.indexOf(f.id),
          level: SARIF_LEVEL_OF[sevOf(f)],
          message: { text: `Package ${f.packageName} ${f.installedVersion} is affected by ${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}. ${f.fixedVersions.length ? `Fixed in ${f.fixedVersions.join(', ')}.` : 'No fix is available yet.'}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(f.location ?? input.result.artifact.reference) } } }],
          partialFingerprints: { [SARIF_FINGERPRINT]: fingerprintOf(f, input.result.artifact.reference) },
          ...(vexed.includes(f as SuppressedFinding) ? { suppressions: [sarifSuppression(f as SuppressedFinding)] } : {}),
          properties: { aliases: f.aliases, packageName: f.packageName, installedVersion: f.installedVersion, fixedVersions: f.fixedVersions, severitySource: f.severity?.source ?? 'none' },
        })),
      },
    ],
  };
  if (input.secrets) addSecretsToSarifRun(doc.runs[0]!, input.secrets);
  return JSON.stringify(doc, null, 2) + '\n';
}
