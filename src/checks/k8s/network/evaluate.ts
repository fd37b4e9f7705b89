/**
 * The `network` rule set: NetworkPolicy coverage over the whole input. Per workload (its pod
 * template's labels and namespace): isolated for ingress, for egress? Per namespace with pods or
 * a Namespace object: a default deny per direction? Related objects: the policies of the
 * namespace that were considered, the workloads of a namespace without a default deny.
 */
import type { RuleDef } from '../../rule.js';
import type { ConfigFinding } from '../../../core/index.js';
import { findingFromHits, type RelatedField } from '../_finding.js';
import type { LoadResult, ManifestObject } from '../load.js';
import { labelsOf } from '../selectors.js';
import { podTemplateOf, type PodTemplate } from '../workloads.js';
import { isNetworkPolicy, readNetworkPolicy, type Direction, type NetworkPolicyInfo } from './policies.js';

const DOC = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

export const NETWORK_RULES = {
  ingressNotIsolated: {
    id: 'network/ingress-not-isolated',
    title: 'Pods not isolated for ingress',
    severity: 'MEDIUM',
    rationale: 'A pod no NetworkPolicy selects for Ingress accepts connections from every pod of the cluster (and from outside, where routed): one compromised pod can reach it.',
    remediation: 'Add a default-deny ingress policy to the namespace, or a NetworkPolicy selecting these pods with policyTypes [Ingress] and only the sources they need.',
    links: [`${DOC}#the-two-sorts-of-pod-isolation`],
    kinds: ['workload'],
  },
  egressNotIsolated: {
    id: 'network/egress-not-isolated',
    title: 'Pods not isolated for egress',
    severity: 'LOW',
    rationale: 'A pod no NetworkPolicy selects for Egress can connect anywhere: to the API server, cloud metadata endpoints and the internet, which eases lateral movement and exfiltration.',
    remediation: 'Add a default-deny egress policy (allowing DNS) to the namespace, or a NetworkPolicy selecting these pods with policyTypes [Egress] and only the destinations they need.',
    links: [`${DOC}#the-two-sorts-of-pod-isolation`],
    kinds: ['workload'],
  },
  noDefaultDenyIngress: {
    id: 'network/no-default-deny-ingress',
    title: 'Namespace without a default-deny ingress policy',
    severity: 'MEDIUM',
    rationale: 'Without a default deny, every new pod in the namespace starts open to all ingress until someone writes a policy for it.',
    remediation: 'Add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress] and no ingress rules.',
    links: [`${DOC}#default-deny-all-ingress-traffic`],
    kinds: ['Namespace'],
  },
  noDefaultDenyEgress: {
    id: 'network/no-default-deny-egress',
    title: 'Namespace without a default-deny egress policy',
    severity: 'LOW',
    rationale: 'Without a default deny, every new pod in the namespace starts with unrestricted egress.',
    remediation: 'Add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] and no egress rules (plus a policy allowing DNS).',
    links: [`${DOC}#default-deny-all-egress-traffic`],
    kinds: ['Namespace'],
  },
} as const satisfies Record<string, RuleDef>;

export const NETWORK_RULE_LIST: readonly RuleDef[] = Object.values(NETWORK_RULES);

/** Related objects listed per finding (the message and properties carry the full count). */
const MAX_RELATED = 5;
const quote = (s: string) => JSON.stringify(s);

/** Pod templates that become running pods (a PodTemplate object alone runs nothing). */
function podsOf(objects: readonly ManifestObject[]): { obj: ManifestObject; tpl: PodTemplate }[] {
  const out: { obj: ManifestObject; tpl: PodTemplate }[] = [];
  for (const obj of objects) {
    if (obj.kind === 'PodTemplate') continue;
    const tpl = podTemplateOf(obj);
    if (tpl) out.push({ obj, tpl });
  }
  return out;
}

export interface PodCoverage {
  obj: ManifestObject;
  namespace: string;
  /** Policies selecting the pod, per direction. */
  isolatedBy: Record<Direction, NetworkPolicyInfo[]>;
}

/** The coverage of every workload's pods, and the default denies per namespace. */
export function networkCoverage(objects: readonly ManifestObject[], notes: string[] = []) {
  const policies = new Map<string, NetworkPolicyInfo[]>();
  for (const o of objects) {
    if (!isNetworkPolicy(o)) continue;
    const p = readNetworkPolicy(o, notes);
    policies.set(p.namespace, [...(policies.get(p.namespace) ?? []), p]);
  }
  const pods: PodCoverage[] = podsOf(objects).map(({ obj, tpl }) => {
    const namespace = obj.namespace ?? 'default';
    const labels = labelsOf(tpl.meta);
    const sel = (policies.get(namespace) ?? []).filter((p) => p.selector.matches(labels));
    return { obj, namespace, isolatedBy: { Ingress: sel.filter((p) => p.types.has('Ingress')), Egress: sel.filter((p) => p.types.has('Egress')) } };
  });
  return { policies, pods };
}

export function networkFindings(load: LoadResult): { findings: ConfigFinding[]; notes: string[] } {
  const notes: string[] = [];
  const { policies, pods } = networkCoverage(load.objects, notes);
  const findings: ConfigFinding[] = [];
  const policyRefs = (ns: string, dir: Direction): RelatedField[] =>
    (policies.get(ns) ?? [])
      .filter((p) => p.types.has(dir))
      .map((p) => ({ obj: p.obj, path: ['spec', 'podSelector'] }));
  for (const pod of pods) {
    const tpl = podTemplateOf(pod.obj)!;
    for (const [dir, rule] of [['Ingress', NETWORK_RULES.ingressNotIsolated], ['Egress', NETWORK_RULES.egressNotIsolated]] as const) {
      if (pod.isolatedBy[dir].length > 0) continue;
      const others = policyRefs(pod.namespace, dir);
      const f = findingFromHits('network', rule, pod.obj, [
        {
          path: [...tpl.base, 'metadata', 'labels'],
          message: `pods of ${pod.obj.kind} ${quote(pod.obj.name)} are not selected by any NetworkPolicy with policyType ${dir} in namespace ${quote(pod.namespace)}${others.length ? ` (${others.length} ${dir} ${others.length === 1 ? 'policy does' : 'policies do'} not match their labels)` : ''}`,
          related: others.slice(0, MAX_RELATED),
          properties: { namespace: pod.namespace, direction: dir, policiesInNamespace: others.length },
        },
      ]);
      if (f) findings.push(f);
    }
  }
  // Namespaces: those with pods, and those declared by a Namespace object.
  const namespaces = new Map<string, { anchor: ManifestObject; nsObj?: ManifestObject; workloads: ManifestObject[] }>();
  for (const o of load.objects) if (o.kind === 'Namespace' && o.apiVersion === 'v1' && o.name) namespaces.set(o.name, { anchor: o, nsObj: o, workloads: [] });
  for (const pod of pods) {
    const e = namespaces.get(pod.namespace) ?? { anchor: pod.obj, workloads: [] };
    e.workloads.push(pod.obj);
    namespaces.set(pod.namespace, e);
  }
  for (const [ns, e] of [...namespaces].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    for (const [dir, rule] of [['Ingress', NETWORK_RULES.noDefaultDenyIngress], ['Egress', NETWORK_RULES.noDefaultDenyEgress]] as const) {
      if ((policies.get(ns) ?? []).some((p) => p.defaultDeny.has(dir))) continue;
      const f = findingFromHits('network', rule, e.anchor, [
        {
          path: e.nsObj ? ['metadata', 'name'] : ['metadata', 'namespace'],
          message: `namespace ${quote(ns)} has no default-deny ${dir.toLowerCase()} NetworkPolicy (empty podSelector, policyTypes ${dir}, no ${dir.toLowerCase()} rules)`,
          related: e.workloads.slice(0, MAX_RELATED).map((w) => ({ obj: w, path: ['metadata', 'name'] })),
          properties: { namespace: ns, direction: dir, workloads: e.workloads.length },
        },
      ])!;
      f.object = { apiVersion: 'v1', kind: 'Namespace', name: ns };
      findings.push(f);
    }
  }
  return { findings, notes };
}
