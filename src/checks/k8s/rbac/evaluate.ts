/**
 * The `rbac` rule set: every binding resolved to its role (aggregation included) and its
 * subjects; each risky grant reported once per subject and rule, at the subject entry of the
 * first binding, with every path (binding → role → rule) in `properties.paths` and the role
 * rules and other bindings in `related`.
 */
import type { RuleDef } from '../../rule.js';
import { maxSeverity, type Severity, type ConfigFinding } from '../../../core/index.js';
import { findingFromHits, type RelatedField } from '../_finding.js';
import type { LoadResult, ManifestObject } from '../load.js';
import { readRbac, subjectKey, subjectLabel, type BindingInfo, type SubjectInfo } from './model.js';
import { BINDING_RULES, GRANT_RULES, isFullWildcard, SUBSUMED_BY_WILDCARD } from './rules.js';

export const RBAC_RULE_LIST: readonly RuleDef[] = [...GRANT_RULES, ...BINDING_RULES];

interface Path {
  binding: BindingInfo;
  subjectIndex: number;
  /** `ClusterRole "x" rules[2]`, or the binding alone for binding rules. */
  via: string;
  what: string;
  severity?: Severity;
  related: RelatedField[];
}

const name = (o: { kind: string; namespace?: string | undefined; name: string }) => `${o.kind} "${o.namespace ? `${o.namespace}/` : ''}${o.name}"`;

export function rbacFindings(load: LoadResult): { findings: ConfigFinding[]; notes: string[] } {
  const notes: string[] = [];
  const { bindings } = readRbac(load.objects, notes);
  // subject → rule → paths, in input order.
  const bySubject = new Map<string, { subject: SubjectInfo; rules: Map<string, { rule: RuleDef; paths: Path[] }> }>();
  const add = (s: SubjectInfo, rule: RuleDef, p: Path) => {
    const k = subjectKey(s);
    const e = bySubject.get(k) ?? { subject: s, rules: new Map() };
    bySubject.set(k, e);
    const r = e.rules.get(rule.id) ?? { rule, paths: [] };
    e.rules.set(rule.id, r);
    r.paths.push(p);
  };
  for (const b of bindings) {
    const grants: { rule: RuleDef; via: string; what: string; severity?: Severity; related: RelatedField[] }[] = [];
    for (const pr of b.role?.rules ?? []) {
      const full = isFullWildcard(pr);
      for (const g of GRANT_RULES) {
        if (full && SUBSUMED_BY_WILDCARD.has(g.id)) continue;
        const got = g.grants(pr);
        if (!got) continue;
        const holder = pr.obj ? name({ kind: pr.obj.kind, ...(pr.obj.namespace ? { namespace: pr.obj.namespace } : {}), name: pr.obj.name }) : `${b.roleRef.kind} "${b.roleRef.name}" (built-in)`;
        grants.push({ rule: g, via: `${holder} rules[${pr.index}]`, what: got.what, ...(got.severity ? { severity: got.severity } : {}), related: pr.obj ? [{ obj: pr.obj, path: ['rules', pr.index] }] : [] });
      }
    }
    const roleRel: RelatedField[] = b.role?.obj ? [{ obj: b.role.obj, path: ['metadata', 'name'] }] : [];
    for (const { subject, index } of b.subjects) {
      for (const g of grants) add(subject, g.rule, { binding: b, subjectIndex: index, via: g.via, what: g.what, ...(g.severity ? { severity: g.severity } : {}), related: g.related });
      for (const br of BINDING_RULES) {
        const what = br.applies(b, subject);
        if (what) add(subject, br, { binding: b, subjectIndex: index, via: `${b.roleRef.kind} "${b.roleRef.name}"`, what, related: roleRel });
      }
    }
  }
  const findings: ConfigFinding[] = [];
  const ruleOrder = RBAC_RULE_LIST.map((r) => r.id);
  for (const { subject, rules } of bySubject.values()) {
    for (const { rule, paths } of [...rules.values()].sort((a, b) => ruleOrder.indexOf(a.rule.id) - ruleOrder.indexOf(b.rule.id))) {
      const first = paths[0]!;
      const scope = (b: BindingInfo) => (b.namespace ? `in namespace "${b.namespace}"` : 'cluster-wide');
      const isGrant = GRANT_RULES.some((g) => g.id === rule.id);
      const describe = (p: Path) => (isGrant ? `can ${p.what} ${scope(p.binding)} via ${name(p.binding.obj)} → ${p.via}` : `${p.what} via ${name(p.binding.obj)}`);
      const more = paths.length > 1 ? ` (and ${paths.length - 1} more ${paths.length === 2 ? 'path' : 'paths'})` : '';
      let severity: Severity = rule.severity;
      for (const p of paths) if (p.severity) severity = p === first ? p.severity : maxSeverity(severity, p.severity);
      const related: RelatedField[] = paths.flatMap((p) => [...(p === first ? [] : [{ obj: p.binding.obj, path: ['subjects', p.subjectIndex] }]), ...p.related]);
      const f = findingFromHits('rbac', rule, first.binding.obj as ManifestObject, [{ path: ['subjects', first.subjectIndex], message: `${subjectLabel(subject)} ${describe(first)}${more}`, severity, related }]);
      if (!f) continue;
      f.properties = {
        ...f.properties,
        subject,
        paths: paths.map((p) => ({ binding: name(p.binding.obj), role: `${p.binding.roleRef.kind} "${p.binding.roleRef.name}"`, via: p.via, grants: p.what, scope: p.binding.namespace ?? '*' })),
      };
      findings.push(f);
    }
  }
  return { findings, notes };
}
