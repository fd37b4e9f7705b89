/**
 * `scan config --compliance` reports: a framework's controls with their status and the findings
 * that failed them, as a table and as JSON (schemaVersion 1).
 */
import type { ComplianceReport } from '../checks/index.js';
import type { ConfigFinding } from '../core/index.js';

const objectName = (f: ConfigFinding) => `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;

export function renderComplianceTable(r: ComplianceReport, opts: { maxFindings?: number } = {}): string {
  const max = opts.maxFindings ?? 10;
  const out = [r.framework.title, ''];
  const w = Math.max(...r.controls.map((c) => c.id.length), 'CONTROL'.length);
  out.push(`${'CONTROL'.padEnd(w)}  ${'STATUS'.padEnd(12)}  FINDINGS  TITLE`);
  for (const c of r.controls) {
    out.push(`${c.id.padEnd(w)}  ${c.status.toUpperCase().padEnd(12)}  ${String(c.findings.length).padStart(8)}  ${c.title}`);
    for (const f of c.findings.slice(0, max)) out.push(`${' '.repeat(w)}    - ${f.severity} ${f.ruleId} ${objectName(f)} (${f.file}:${f.line}:${f.column}): ${f.message}`);
    if (c.findings.length > max) out.push(`${' '.repeat(w)}    … and ${c.findings.length - max} more`);
  }
  out.push('', `Controls: ${r.controls.length} (PASS: ${r.summary.pass}, FAIL: ${r.summary.fail}, NOT ASSESSED: ${r.summary['not-assessed']})`);
  return out.join('\n') + '\n';
}

export function renderComplianceJson(r: ComplianceReport, opts: { toolVersion: string; now?: Date; scan?: Record<string, unknown> }): string {
  const doc = {
    schemaVersion: 1,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.scan ? { scan: opts.scan } : {}),
    framework: r.framework,
    summary: r.summary,
    controls: r.controls.map((c) => ({ id: c.id, title: c.title, status: c.status, rules: c.rules, findings: c.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, object: f.object, file: f.file, line: f.line, column: f.column, field: f.field, message: f.message })) })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
