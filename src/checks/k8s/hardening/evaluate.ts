/**
 * The `hardening` rule set over loaded manifests: the input indexed once (PodDisruptionBudgets,
 * ServiceAccounts), then every rule of `rules.ts` on every object of its kinds.
 */
import { type ConfigFinding, isRecord } from '../../../core/index.js';
import { apiGroup, findingFromHits } from '../_finding.js';
import type { LoadResult, ManifestObject } from '../load.js';
import { parseLabelSelector } from '../selectors.js';
import { podTemplateOf } from '../workloads.js';
import type { HardeningContext, HardeningIndex } from './checks.js';
import { HARDENING_RULES, type HardeningRule } from './rules.js';

export interface HardeningOptions {
  trustedRegistries?: readonly string[];
}

/** Which API groups a kind must come from for the rules to read it. */
const KIND_GROUPS: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: [''],
  Service: [''],
  Ingress: ['networking.k8s.io', 'extensions'],
};

export function indexForHardening(objects: readonly ManifestObject[], opts: HardeningOptions): { index: HardeningIndex; notes: string[] } {
  const notes: string[] = [];
  const index: HardeningIndex = { pdbs: new Map(), serviceAccounts: new Map(), ...(opts.trustedRegistries ? { trustedRegistries: opts.trustedRegistries } : {}) };
  for (const o of objects) {
    if (o.kind === 'PodDisruptionBudget' && apiGroup(o.apiVersion) === 'policy') {
      const spec = isRecord(o.value.spec) ? o.value.spec : {};
      // A null selector selects no pods (policy/v1); an empty one selects every pod of the namespace.
      const selector = spec.selector === undefined || spec.selector === null ? { empty: false, matches: () => false } : parseLabelSelector(spec.selector);
      if ('invalid' in selector && selector.invalid) notes.push(`PodDisruptionBudget "${o.name}" (${o.file}): ${selector.invalid}; it selects nothing`);
      const ns = o.namespace ?? 'default';
      index.pdbs.set(ns, [...(index.pdbs.get(ns) ?? []), { obj: o, selector }]);
    } else if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') index.serviceAccounts.set(`${o.namespace ?? 'default'}/${o.name}`, o);
  }
  return { index, notes };
}

/** The rules that apply to an object: workload rules when it has a pod template, else by kind. */
function rulesFor(kind: string, isWorkload: boolean): readonly HardeningRule[] {
  return HARDENING_RULES.filter((r) => r.kinds.includes(kind) || (isWorkload && r.kinds.includes('workload')));
}

export function hardeningFindings(load: LoadResult, opts: HardeningOptions = {}): { findings: ConfigFinding[]; notes: string[]; workloads: number } {
  const { index, notes } = indexForHardening(load.objects, opts);
  const findings: ConfigFinding[] = [];
  const cache = new Map<string, readonly HardeningRule[]>();
  let workloads = 0;
  for (const obj of load.objects) {
    const tpl = podTemplateOf(obj);
    if (tpl) workloads++;
    else if (!Object.hasOwn(KIND_GROUPS, obj.kind) || !KIND_GROUPS[obj.kind]!.includes(apiGroup(obj.apiVersion))) continue;
    const key = `${obj.kind}\u0000${tpl ? 1 : 0}`;
    let rules = cache.get(key);
    if (!rules) cache.set(key, (rules = rulesFor(obj.kind, !!tpl)));
    const ctx: HardeningContext = { obj, ...(tpl ? { tpl } : {}), index };
    for (const rule of rules) {
      if (rule.kinds.includes('workload') && !tpl) continue;
      const f = findingFromHits('hardening', rule, obj, rule.check(ctx));
      if (f) findings.push(f);
    }
  }
  return { findings, notes, workloads };
}
