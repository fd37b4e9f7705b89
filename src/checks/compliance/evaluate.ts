/**
 * `--compliance`: the findings of a scan judged per control of a framework. A control is
 * `fail` when a finding of one of its rules is reported, `pass` when at least one of its rules
 * ran and none reported, and `not-assessed` when none of its rules ran (rule set not selected,
 * or nothing in Portcullis maps to it). Custom rules join a control through their `compliance`
 * list (`cis-k8s:5.7.3`).
 */
import { PortcullisError, type ConfigFinding } from '../../core/index.js';
import { FRAMEWORKS, type Framework } from './frameworks.js';

export const COMPLIANCE_STATUSES = ['pass', 'fail', 'not-assessed'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

export interface ControlResult {
  id: string;
  title: string;
  status: ComplianceStatus;
  /** Mapped rules that ran. */
  rules: string[];
  findings: ConfigFinding[];
}

export interface ComplianceReport {
  framework: { id: string; title: string };
  controls: ControlResult[];
  summary: Record<ComplianceStatus, number>;
}

export function frameworkById(id: string): Framework {
  const f = FRAMEWORKS.find((x) => x.id === id);
  if (!f) throw new PortcullisError({ code: 'USAGE', message: `Unknown compliance framework "${id}"`, hint: `Use one of: ${FRAMEWORKS.map((x) => x.id).join(', ')}.` });
  return f;
}

export function evaluateCompliance(opts: {
  framework: Framework;
  findings: readonly ConfigFinding[];
  /** Rule ids that ran in this scan. */
  ranRules: readonly string[];
  /** Extra mappings `framework:control` → rule ids (custom rules). */
  extra?: ReadonlyMap<string, readonly string[]>;
}): ComplianceReport {
  const ran = new Set(opts.ranRules);
  const byRule = new Map<string, ConfigFinding[]>();
  for (const f of opts.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const controls: ControlResult[] = opts.framework.controls.map((c) => {
    const mapped = [...new Set([...c.rules, ...(opts.extra?.get(`${opts.framework.id}:${c.id}`) ?? [])])];
    const rules = mapped.filter((r) => ran.has(r));
    const findings = rules.flatMap((r) => byRule.get(r) ?? []);
    const status: ComplianceStatus = rules.length === 0 ? 'not-assessed' : findings.length > 0 ? 'fail' : 'pass';
    return { id: c.id, title: c.title, status, rules, findings };
  });
  const summary = { pass: 0, fail: 0, 'not-assessed': 0 } as Record<ComplianceStatus, number>;
  for (const c of controls) summary[c.status]++;
  return { framework: { id: opts.framework.id, title: opts.framework.title }, controls, summary };
}
