/**
 * Renderers of policy decisions (`policy test`, `policy explain`): table, JSON
 * (`portcullis-policy-test` schema version 1), SARIF 2.1.0 (one result per failing rule, at the
 * object's file and line), and the full explanation of one decision.
 */
import type { Decision, RuleResult } from '../core/index.js';

export interface TestedObject {
  file: string;
  line: number;
  decision: Decision;
}

export interface PolicyTestReport {
  toolVersion: string;
  /** Ids of the policies loaded. */
  policies: readonly string[];
  objects: readonly TestedObject[];
}

const failing = (r: RuleResult) => r.outcome === 'fail' || r.outcome === 'error';
const objectName = (d: Decision) => `${d.object.kind} ${d.object.namespace}/${d.object.name || '(unnamed)'}`;

function resultLine(r: RuleResult): string {
  const img = r.image ? ` ${r.image}${r.digest && !r.image.includes('@') ? `@${r.digest}` : ''}` : '';
  return `${r.outcome.toUpperCase()} [${r.mode}] ${r.policy} ${r.rule}${img}: ${r.code ? `[${r.code}] ` : ''}${r.message}`;
}

/** One block per object: the verdict, then what failed (or warned) with the first fix. */
export function renderPolicyTable(rep: PolicyTestReport): string {
  const lines: string[] = [];
  for (const o of rep.objects) {
    const d = o.decision;
    lines.push(`${d.allowed ? 'ADMITTED' : 'DENIED  '} ${objectName(d)} (${o.file}:${o.line})`);
    for (const r of d.results.filter((x) => failing(x) || x.outcome === 'breakglass')) {
      lines.push(`  ${resultLine(r)}`);
      if (r.fix[0]) lines.push(`    fix: ${r.fix[0]}`);
    }
    for (const w of d.warnings) lines.push(`  warning: ${w}`);
    for (const p of d.patches) lines.push(`  mutate: ${p.path} → ${String(p.value)}`);
  }
  const denied = rep.objects.filter((o) => !o.decision.allowed).length;
  lines.push('', `${rep.objects.length} objects: ${rep.objects.length - denied} admitted, ${denied} denied (${rep.policies.length} policies)`);
  return lines.join('\n') + '\n';
}

export function policyTestJson(rep: PolicyTestReport): unknown {
  const denied = rep.objects.filter((o) => !o.decision.allowed).length;
  return {
    schemaVersion: 1,
    kind: 'policy-test',
    tool: { name: 'portcullis', version: rep.toolVersion },
    policies: rep.policies,
    summary: { objects: rep.objects.length, admitted: rep.objects.length - denied, denied },
    objects: rep.objects.map((o) => ({ file: o.file, line: o.line, ...o.decision })),
  };
}

export function renderPolicyJson(rep: PolicyTestReport): string {
  return JSON.stringify(policyTestJson(rep), null, 2) + '\n';
}

const LEVEL = { enforce: 'error', warn: 'warning', audit: 'note' } as const;

/** SARIF 2.1.0: a rule per `policy/rule`, a result per failing rule of each object. */
export function policyTestSarif(rep: PolicyTestReport): unknown {
  const rules = new Map<string, { id: string; shortDescription: { text: string } }>();
  const results: unknown[] = [];
  for (const o of rep.objects) {
    for (const r of o.decision.results.filter(failing)) {
      const id = `${r.policy}/${r.rule}`;
      if (!rules.has(id)) rules.set(id, { id, shortDescription: { text: `${r.rule} of ${r.policy}` } });
      results.push({
        ruleId: id,
        ruleIndex: [...rules.keys()].indexOf(id),
        level: LEVEL[r.mode],
        message: { text: `${objectName(o.decision)}: ${r.image ? `${r.image}: ` : ''}${r.message}${r.fix.length ? `\nFix: ${r.fix.join('\n')}` : ''}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: o.file }, region: { startLine: Math.max(1, o.line) } } }],
        properties: { outcome: r.outcome, mode: r.mode, ...(r.code ? { code: r.code } : {}), ...(r.image ? { image: r.image } : {}), ...(r.digest ? { digest: r.digest } : {}), evidence: r.evidence },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'portcullis', version: rep.toolVersion, rules: [...rules.values()] } }, results }],
  };
}

export function renderPolicySarif(rep: PolicyTestReport): string {
  return JSON.stringify(policyTestSarif(rep), null, 2) + '\n';
}

/** Everything about one decision: each rule with its evidence and fixes, noMatch, patches, annotations. */
export function renderDecisionExplain(o: TestedObject): string {
  const d = o.decision;
  const out: string[] = [`${objectName(d)} (${o.file}:${o.line}) — ${d.allowed ? 'ADMITTED' : 'DENIED'} at ${d.evaluatedAt}`, ''];
  out.push(`noMatch: ${d.noMatch.action} (${d.noMatch.source})${d.noMatch.images.length ? `; images no image policy covers: ${d.noMatch.images.join(', ')}` : ''}`);
  if (d.breakglass) out.push(`breakglass: "${d.breakglass.reason}" admitted failures of ${d.breakglass.policies.join(', ')}`);
  out.push('', 'images:');
  for (const i of d.images) out.push(`  ${i.container} (${i.pointer}): ${i.raw} → ${i.reference}${i.digest ? ` @ ${i.digest}` : ''}`);
  if (d.images.length === 0) out.push('  (none)');
  out.push('', 'rules:');
  for (const r of d.results) {
    out.push(`  ${resultLine(r)}`);
    for (const e of r.evidence) out.push(`      evidence ${e.kind} ${e.id}${e.detail ? `: ${e.detail}` : ''}`);
    for (const f of r.fix) out.push(`      fix: ${f}`);
  }
  if (d.results.length === 0) out.push('  (no policy applies)');
  if (d.warnings.length) out.push('', 'warnings:', ...d.warnings.map((w) => `  ${w}`));
  if (d.patches.length) out.push('', 'patch (JSONPatch):', `  ${JSON.stringify(d.patches)}`);
  out.push('', 'audit annotations:', ...Object.entries(d.auditAnnotations).map(([k, v]) => `  ${k}: ${v.replace(/\n/g, '\n    ')}`));
  return out.join('\n') + '\n';
}
