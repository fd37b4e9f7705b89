/**
 * Renderers of configuration findings: table (grouped by file), JSON (schemaVersion 1) and
 * SARIF 2.1.0 with one result per finding at the file, line and column of the offending field.
 */
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDefinition, type ConfigScanResult } from '../checks/index.js';
import {
  type ConfigFinding,
  type ConfigObjectRef,
  SARIF_LEVEL_OF,
  SARIF_SECURITY_SEVERITY_OF,
  SEVERITIES,
  type Severity,
} from '../core/index.js';

export interface ConfigRenderOptions {
  toolVersion: string;
  now?: Date;
  /** What was scanned and how, echoed in JSON. */
  scan?: Record<string, unknown>;
}

const SEVERITY_ORDER = [...SEVERITIES].reverse();

function summary(findings: readonly ConfigFinding[]): Record<Severity, number> {
  const s = Object.fromEntries(SEVERITIES.map((k) => [k, 0])) as Record<Severity, number>;
  for (const f of findings) s[f.severity]++;
  return s;
}

const refName = (o: ConfigObjectRef) => `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
const objectName = (f: ConfigFinding) => refName(f.object);

export function renderConfigTable(r: ConfigScanResult): string {
  const out: string[] = [];
  for (const n of r.notes) out.push(`note: ${n}`);
  for (const u of r.unknowns) out.push(`unknown: ${u.file}${u.line !== undefined ? `:${u.line}:${u.column}` : ''}: ${u.reason}`);
  if (out.length) out.push('');
  const groups = new Map<string, ConfigFinding[]>();
  for (const f of r.findings) groups.set(f.file, [...(groups.get(f.file) ?? []), f]);
  for (const [file, list] of groups) {
    out.push(file);
    const rows = list.map((f) => [`${f.line}:${f.column}`, f.severity, f.ruleId, objectName(f), f.message]);
    const head = ['LINE', 'SEVERITY', 'RULE', 'OBJECT', 'MESSAGE'];
    const w = head.map((h, i) => (i === 4 ? 0 : Math.min(48, Math.max(h.length, ...rows.map((x) => x[i]!.length)))));
    out.push(head.map((h, i) => h.padEnd(w[i]!)).join('  ').trimEnd());
    for (const row of rows) out.push(row.map((x, i) => (i === 4 ? x : x.padEnd(w[i]!))).join('  ').trimEnd());
    out.push('');
  }
  const s = summary(r.findings);
  out.push(`Checked ${r.stats.workloads} workload(s) in ${r.stats.files} file(s). Total: ${r.findings.length} (${SEVERITY_ORDER.map((k) => `${k}: ${s[k]}`).join(', ')})`);
  return out.join('\n') + '\n';
}

/** Findings rendered at a time by `renderConfigJsonChunks`. */
const FINDINGS_PER_CHUNK = 1000;

/**
 * The JSON report (see docs/config-report.md) in pieces, the findings a thousand at a time, so a
 * large report is never built as one string; the pieces joined are exactly `renderConfigJson`.
 */
export function* renderConfigJsonChunks(r: ConfigScanResult, opts: ConfigRenderOptions): Generator<string> {
  const doc = {
    schemaVersion: 1,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.scan ? { scan: opts.scan } : {}),
    stats: r.stats,
    notes: r.notes,
    unknowns: r.unknowns,
    findings: [] as ConfigFinding[],
    summary: summary(r.findings),
  };
  const outline = JSON.stringify(doc, null, 2);
  if (r.findings.length === 0) {
    yield outline + '\n';
    return;
  }
  // Only top-level keys sit after a newline and two spaces (strings escape their newlines).
  const marker = '\n  "findings": []';
  const at = outline.indexOf(marker);
  yield outline.slice(0, at) + '\n  "findings": [\n';
  // One finding per line: a 10,000-manifest report stays greppable and is written in a fraction
  // of the time (and a third less space) an indented one takes.
  for (let i = 0; i < r.findings.length; i += FINDINGS_PER_CHUNK) {
    const part = r.findings
      .slice(i, i + FINDINGS_PER_CHUNK)
      .map((f) => '    ' + JSON.stringify(f))
      .join(',\n');
    yield (i > 0 ? ',\n' : '') + part;
  }
  yield '\n  ]' + outline.slice(at + marker.length) + '\n';
}

export function renderConfigJson(r: ConfigScanResult, opts: ConfigRenderOptions): string {
  return [...renderConfigJsonChunks(r, opts)].join('');
}

/** A SARIF artifact URI: relative paths with `/`, absolute paths as file URLs, stdin as `stdin`. */
export function artifactUri(file: string): string {
  if (file === '<stdin>') return 'stdin';
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(sep).join('/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}


export function renderConfigSarif(r: ConfigScanResult, opts: ConfigRenderOptions): string {
  const rules = new Map<string, object>();
  for (const f of r.findings) {
    if (rules.has(f.ruleId)) continue;
    rules.set(f.ruleId, {
      id: f.ruleId,
      name: f.ruleId.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: f.title },
      fullDescription: { text: ruleDefinition(f.ruleId)?.rationale || `${f.title}: ${f.remediation}` },
      helpUri: f.links[0],
      help: { text: f.remediation },
      properties: { 'security-severity': SARIF_SECURITY_SEVERITY_OF[f.severity], tags: ['security', f.ruleSet === 'dockerfile' ? 'dockerfile' : f.ruleSet === 'image' ? 'container' : 'kubernetes', f.ruleSet] },
    });
  }
  const ruleIds = [...rules.keys()];
  const loc = (file: string, line: number, column: number) => ({ physicalLocation: { artifactLocation: { uri: artifactUri(file) }, region: { startLine: line, startColumn: column } } });
  const doc = {
    version: '2.1.0',
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'portcullis', version: opts.toolVersion, informationUri: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/', rules: [...rules.values()] } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...r.unknowns.map((u) => ({ level: 'warning', message: { text: `Cannot check ${u.file}: ${u.reason}` }, locations: [u.line !== undefined ? loc(u.file, u.line, u.column ?? 1) : { physicalLocation: { artifactLocation: { uri: artifactUri(u.file) } } }] })),
              ...r.notes.map((n) => ({ level: 'note', message: { text: n } })),
            ],
          },
        ],
        results: r.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIds.indexOf(f.ruleId),
          level: SARIF_LEVEL_OF[f.severity],
          message: { text: `${objectName(f)}: ${f.message}` },
          locations: [{ ...loc(f.file, f.line, f.column), logicalLocations: [{ fullyQualifiedName: `${objectName(f)}/${f.field}`, kind: 'object' }] }],
          ...(f.related?.length ? { relatedLocations: f.related.map((x, i) => ({ id: i + 1, ...loc(x.file ?? f.file, x.line, x.column), message: { text: x.object ? `${refName(x.object)}: ${x.field}` : x.field } })) } : {}),
          properties: { severity: f.severity, field: f.field, object: f.object, ...(f.containers ? { containers: f.containers } : {}), ...f.properties },
        })),
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
