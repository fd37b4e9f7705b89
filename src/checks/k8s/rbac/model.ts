/**
 * RBAC as the authorizer sees it (rbac.authorization.k8s.io/v1): Roles and ClusterRoles with
 * their PolicyRules, ClusterRole aggregation resolved over the input (`aggregationRule.
 * clusterRoleSelectors` select ClusterRoles by label; their rules are added, transitively), and
 * bindings resolved to roles and subjects. A RoleBinding grants in its namespace, a
 * ClusterRoleBinding everywhere; a ServiceAccount subject without a namespace in a RoleBinding is
 * in the binding's namespace.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
import type { ManifestObject } from '../load.js';
import { asArray, str } from '../pss/_helpers.js';
import { labelsOf, parseLabelSelector } from '../selectors.js';
import { isRecord } from '../../../core/index.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRuleInfo {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
  /** The role object that holds the rule (undefined for built-in roles not in the input). */
  obj?: ManifestObject;
  index: number;
}

export interface RoleInfo {
  kind: 'Role' | 'ClusterRole';
  namespace?: string;
  name: string;
  obj?: ManifestObject;
  rules: PolicyRuleInfo[];
  /** ClusterRoles whose rules were aggregated into this one. */
  aggregated: ManifestObject[];
}

export interface SubjectInfo {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

export interface BindingInfo {
  obj: ManifestObject;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** Namespace the grant applies to; undefined for a ClusterRoleBinding (cluster-wide). */
  namespace?: string;
  roleRef: { kind: string; name: string };
  role?: RoleInfo;
  subjects: { subject: SubjectInfo; index: number }[];
}

/** Built-in roles a binding may reference without them being in the input. */
const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, Omit<PolicyRuleInfo, 'index'>[]>> = {
  'cluster-admin': [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'], resourceNames: [], nonResourceURLs: [] },
    { apiGroups: [], resources: [], verbs: ['*'], resourceNames: [], nonResourceURLs: ['*'] },
  ],
};

const strings = (x: unknown) => asArray(x).map(str);

function readRules(obj: ManifestObject): PolicyRuleInfo[] {
  return asArray(obj.value.rules).flatMap((r, index) =>
    isRecord(r) ? [{ apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs), resourceNames: strings(r.resourceNames), nonResourceURLs: strings(r.nonResourceURLs), obj, index }] : [],
  );
}

export const isRbac = (o: ManifestObject, kind: string) => o.kind === kind && o.apiVersion === `${RBAC_GROUP}/v1`;

export function subjectKey(s: SubjectInfo): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? ''}/${s.name}` : `${s.kind}:${s.name}`;
}

export function subjectLabel(s: SubjectInfo): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount "${s.namespace ?? ''}/${s.name}"` : `${s.kind} "${s.name}"`;
}

export function readRbac(objects: readonly ManifestObject[], notes: string[]): { roles: Map<string, RoleInfo>; bindings: BindingInfo[] } {
  const roles = new Map<string, RoleInfo>();
  const clusterRoles: ManifestObject[] = [];
  for (const o of objects) {
    if (isRbac(o, 'Role')) roles.set(`Role:${o.namespace ?? 'default'}/${o.name}`, { kind: 'Role', namespace: o.namespace ?? 'default', name: o.name, obj: o, rules: readRules(o), aggregated: [] });
    else if (isRbac(o, 'ClusterRole')) {
      clusterRoles.push(o);
      roles.set(`ClusterRole:${o.name}`, { kind: 'ClusterRole', name: o.name, obj: o, rules: readRules(o), aggregated: [] });
    }
  }
  // Aggregation, transitively: the rules of every ClusterRole selected by a selector, once each.
  const selectedBy = (o: ManifestObject) => {
    const ar = o.value.aggregationRule;
    if (!isRecord(ar)) return undefined;
    const sels = asArray(ar.clusterRoleSelectors).map((s) => parseLabelSelector(s));
    return clusterRoles.filter((c) => c !== o && sels.some((s) => s.matches(labelsOf(c.value.metadata))));
  };
  for (const o of clusterRoles) {
    if (selectedBy(o) === undefined) continue;
    const role = roles.get(`ClusterRole:${o.name}`)!;
    const seen = new Set<ManifestObject>([o]);
    const queue = [...selectedBy(o)!];
    while (queue.length) {
      const c = queue.shift()!;
      if (seen.has(c)) continue;
      seen.add(c);
      role.aggregated.push(c);
      role.rules.push(...readRules(c));
      queue.push(...(selectedBy(c) ?? []));
    }
    if (role.aggregated.length === 0) notes.push(`ClusterRole "${o.name}" (${o.file}) aggregates roles but none in the input match its selectors; only its listed rules are checked`);
  }
  const bindings: BindingInfo[] = [];
  for (const o of objects) {
    const kind = isRbac(o, 'RoleBinding') ? 'RoleBinding' : isRbac(o, 'ClusterRoleBinding') ? 'ClusterRoleBinding' : undefined;
    if (!kind) continue;
    const ref = isRecord(o.value.roleRef) ? o.value.roleRef : {};
    const roleRef = { kind: str(ref.kind), name: str(ref.name) };
    const ns = kind === 'RoleBinding' ? (o.namespace ?? 'default') : undefined;
    let role = roleRef.kind === 'Role' && ns ? roles.get(`Role:${ns}/${roleRef.name}`) : roleRef.kind === 'ClusterRole' ? roles.get(`ClusterRole:${roleRef.name}`) : undefined;
    if (!role && roleRef.kind === 'ClusterRole' && Object.hasOwn(BUILTIN_CLUSTER_ROLES, roleRef.name)) {
      role = { kind: 'ClusterRole', name: roleRef.name, rules: BUILTIN_CLUSTER_ROLES[roleRef.name]!.map((r, index) => ({ ...r, index })), aggregated: [] };
    }
    if (!role) notes.push(`${kind} "${o.name}" (${o.file}) references ${roleRef.kind} "${roleRef.name}", which is not in the input; its rules are not checked`);
    const subjects = asArray(o.value.subjects).flatMap((s, index) => {
      if (!isRecord(s) || (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') || typeof s.name !== 'string') return [];
      const subject: SubjectInfo = { kind: s.kind, name: s.name };
      if (s.kind === 'ServiceAccount') subject.namespace = typeof s.namespace === 'string' && s.namespace ? s.namespace : (ns ?? 'default');
      return [{ subject, index }];
    });
    bindings.push({ obj: o, kind, ...(ns ? { namespace: ns } : {}), roleRef, ...(role ? { role } : {}), subjects });
  }
  return { roles, bindings };
}
