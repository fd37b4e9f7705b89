/**
 * The `custom` rule set: each user rule's CEL expression over every object of its kinds. `false`
 * is a finding with the rule's message; an evaluation error (a missing field, a wrong type) is a
 * finding too under `failurePolicy: Fail` (the admission default), and skipped under `Ignore`.
 * The finding points at the first `object.…` / `podSpec.…` field the expression reads, as far
 * as that field exists.
 */
import type { ConfigFinding } from '../../core/index.js';
import { findingFromHits } from '../k8s/_finding.js';
import type { LoadResult, ManifestObject } from '../k8s/load.js';
import type { FieldPath } from '../k8s/pss/types.js';
import { podTemplateOf, type PodTemplate } from '../k8s/workloads.js';
import type { CustomRule } from './load.js';

const FIELD_REF = /\b(object|podSpec)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/;

function fieldOf(expression: string, tpl: PodTemplate | undefined): FieldPath {
  const m = FIELD_REF.exec(expression);
  if (!m) return [];
  const segs = m[2]!.slice(1).split('.');
  if (m[1] === 'podSpec') return tpl ? [...tpl.base, 'spec', ...segs] : [];
  return segs;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

export function customFindings(load: LoadResult, rules: readonly CustomRule[]): { findings: ConfigFinding[]; notes: string[] } {
  const findings: ConfigFinding[] = [];
  const notes: string[] = [];
  if (rules.length === 0) return { findings, notes };
  const namespaces = new Map<string, ManifestObject>();
  for (const o of load.objects) if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(o.name, o);
  for (const obj of load.objects) {
    const tpl = podTemplateOf(obj);
    const vars = { object: obj.value, podSpec: tpl ? tpl.spec : null, namespaceObject: namespaces.get(obj.namespace ?? 'default')?.value ?? null };
    for (const rule of rules) {
      if (!rule.kinds.includes('*') && !rule.kinds.includes(obj.kind) && !(tpl && rule.kinds.includes('workload'))) continue;
      let message: string | undefined;
      try {
        const r = rule.evaluate(vars);
        if (r === true) continue;
        message = r === false ? rule.message : `expression returned ${typeof r}, not bool`;
      } catch (err) {
        if (rule.failurePolicy === 'Ignore') continue;
        message = `${rule.message} (evaluation error: ${firstLine(err)})`;
      }
      const f = findingFromHits('custom', rule, obj, [{ path: fieldOf(rule.expression, tpl), message, properties: { expression: rule.expression, ruleFile: rule.file } }]);
      if (f) findings.push(f);
    }
  }
  return { findings, notes };
}
