/**
 * Secret findings in the scan report formats: a table section grouped by file, JSON fields, and
 * SARIF rules/results (`secret/<rule-id>`). Used by the vulnerability renderers when both scanners
 * ran, and on their own (`renderSecret*`) when only the secret scanner ran. Findings arrive
 * redacted; nothing here ever sees a raw secret.
 */
import { ANSI } from './ansi.js';
import {
  type CatalogResult,
  compareSeverity,
  RATED_SEVERITIES,
  SARIF_LEVEL_OF,
  SARIF_SECURITY_SEVERITY_OF,
  type RatedSeverity,
  type SecretFinding,
  type SecretSkippedFile,
} from '../core/index.js';

export interface SecretReportInput {
  result: CatalogResult;
  secrets: SecretFinding[];
  skipped?: SecretSkippedFile[];
}

export interface SecretRenderOptions {
  toolVersion: string;
  now?: Date;
  color?: boolean;
}

/** Counts per severity, highest first (`CRITICAL` … `LOW`). */
export function secretSummary(secrets: readonly SecretFinding[]): Record<RatedSeverity, number> {
  const out = Object.fromEntries([...RATED_SEVERITIES].reverse().map((s) => [s, 0])) as Record<RatedSeverity, number>;
  for (const f of secrets) out[f.severity]++;
  return out;
}

function layerLabel(f: SecretFinding): string {
  if (f.source === 'config-env' || f.source === 'config-label') return 'image config';
  if (!f.layer) return f.source === 'config-history' ? 'image config' : '';
  return `layer ${f.layer.index} ${f.layer.diffId.slice(0, 19)}`;
}

/** The "Secrets" section of the table report. */
export function secretTableLines(secrets: readonly SecretFinding[], skipped: readonly SecretSkippedFile[], color: boolean): string[] {
  const c = color ? ANSI : { bold: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, magenta: (s: string) => s };
  const paint = (s: RatedSeverity) => (s === 'CRITICAL' ? c.magenta(s) : s === 'HIGH' ? c.red(s) : s === 'MEDIUM' ? c.yellow(s) : s);
  const out: string[] = [c.bold('Secrets'), ''];
  const groups = new Map<string, SecretFinding[]>();
  for (const f of secrets) {
    const key = `${f.path}\u0000${f.layer?.index ?? -1}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const list of groups.values()) {
    const first = list[0]!;
    const where = layerLabel(first);
    out.push(c.bold(first.path) + (where ? ` (${where})` : ''));
    list.sort((a, b) => a.line - b.line || compareSeverity(b.severity, a.severity));
    const head = ['RULE', 'SEVERITY', 'LINE', 'MATCH'];
    const rows = list.map((f) => [f.ruleId, f.severity, String(f.line), f.match]);
    const w = head.map((h, i) => (i === 3 ? 0 : Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    out.push(head.map((h, i) => h.padEnd(w[i]!)).join('  ').trimEnd());
    for (const r of rows) out.push(r.map((x, i) => (i === 1 ? paint(x as RatedSeverity) + ' '.repeat(Math.max(0, w[i]! - x.length)) : x.padEnd(w[i]!))).join('  ').trimEnd());
    out.push('');
  }
  const s = secretSummary(secrets);
  out.push(`Secrets: ${secrets.length} (${Object.entries(s).map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  if (skipped.length > 0) {
    out.push(`note: ${skipped.length} file${skipped.length === 1 ? '' : 's'} not scanned for secrets:`);
    for (const f of skipped) out.push(`  ${f.path}${f.layerDiffId ? ` (layer ${f.layerDiffId.slice(0, 19)})` : ''}: ${f.reason}`);
  }
  return out;
}

/** The JSON report fields for secrets; present only when the secret scanner ran. */
export function secretJsonFields(secrets: readonly SecretFinding[], skipped: readonly SecretSkippedFile[]): { secrets: readonly SecretFinding[]; secretSummary: Record<RatedSeverity, number>; secretsSkipped: readonly SecretSkippedFile[] } {
  return { secrets, secretSummary: secretSummary(secrets), secretsSkipped: skipped };
}

function sarifUri(path: string): string {
  return encodeURI(path.replace(/^\/+/, '')).replace(/[?#]/g, (ch) => encodeURIComponent(ch));
}

/** A SARIF run to extend (the vulnerability renderer's, or a fresh one). */
export interface SarifRunLike {
  tool: { driver: { rules: object[] } };
  results: object[];
}

/** Appends `secret/<rule-id>` rules to the driver and one result per finding, with file, line and layer. */
export function addSecretsToSarifRun(run: SarifRunLike, secrets: readonly SecretFinding[]): void {
  const rules = run.tool.driver.rules;
  const index = new Map<string, number>();
  for (const f of secrets) {
    const id = `secret/${f.ruleId}`;
    if (index.has(id)) continue;
    index.set(id, rules.length);
    rules.push({
      id,
      name: 'Secret',
      shortDescription: { text: f.title },
      fullDescription: { text: `${f.title} (${f.category}). The value is stored in the image; anyone who can pull it can read it.` },
      help: { text: 'Remove the secret from the image (it stays in every layer that holds it, even when an upper layer deletes the file), rotate it, and pass it at run time instead (a mounted secret or an environment variable set at deploy time).' },
      properties: { 'security-severity': SARIF_SECURITY_SEVERITY_OF[f.severity], tags: ['secret', 'security', f.category, f.severity] },
    });
  }
  for (const f of secrets) {
    const id = `secret/${f.ruleId}`;
    run.results.push({
      ruleId: id,
      ruleIndex: index.get(id)!,
      level: SARIF_LEVEL_OF[f.severity],
      message: { text: `${f.title}: ${f.match}${f.layer ? ` (layer ${f.layer.index}, ${f.layer.diffId})` : ''}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(f.path) }, region: { startLine: f.line } } }],
      properties: { category: f.category, source: f.source, match: f.match, ...(f.layer ? { layerDiffId: f.layer.diffId, ...(f.layer.digest ? { layerDigest: f.layer.digest } : {}) } : {}) },
    });
  }
}

/** Table report when only the secret scanner ran. */
export function renderSecretTable(input: SecretReportInput, opts: SecretRenderOptions): string {
  const c = opts.color ? ANSI : { bold: (s: string) => s };
  const head = c.bold(input.result.artifact.reference) + (input.result.os ? ` (${input.result.os.prettyName ?? input.result.os.id})` : '');
  return [head, '', ...secretTableLines(input.secrets, input.skipped ?? [], !!opts.color)].join('\n') + '\n';
}

/** JSON report (schemaVersion 1) when only the secret scanner ran: no `vulnerabilities` field. */
export function renderSecretJson(input: SecretReportInput, opts: SecretRenderOptions): string {
  const doc = {
    schemaVersion: 1,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    artifact: input.result.artifact,
    ...(input.result.os ? { os: input.result.os } : {}),
    ...secretJsonFields(input.secrets, input.skipped ?? []),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** SARIF 2.1.0 log when only the secret scanner ran. */
export function renderSecretSarif(input: SecretReportInput, opts: SecretRenderOptions): string {
  const run: SarifRunLike & { tool: { driver: { name: string; version: string; rules: object[] } } } = { tool: { driver: { name: 'portcullis', version: opts.toolVersion, rules: [] } }, results: [] };
  addSecretsToSarifRun(run, input.secrets);
  const doc = { version: '2.1.0', $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json', runs: [run] };
  return JSON.stringify(doc, null, 2) + '\n';
}
