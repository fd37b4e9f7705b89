/**
 * The RBAC rules as data: each either looks at one PolicyRule (what it grants) or at a binding
 * (who is bound to what). `evaluate.ts` resolves bindings → roles → rules and reports per subject.
 */
import type { RuleDef } from '../../rule.js';
import type { Severity } from '../../../core/index.js';
import type { BindingInfo, PolicyRuleInfo, RoleInfo, SubjectInfo } from './model.js';
import { RBAC_GROUP } from './model.js';

const DOC = 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/';
const GOOD = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

/** A rule on a PolicyRule: what it grants, in words, or undefined. */
export interface GrantRule extends RuleDef {
  grants: (r: PolicyRuleInfo) => { what: string; severity?: Severity } | undefined;
}

/** A rule on a binding's subject. */
export interface BindingRule extends RuleDef {
  applies: (b: BindingInfo, s: SubjectInfo) => string | undefined;
}

const has = (list: readonly string[], x: string) => list.includes(x) || list.includes('*');
const verbAny = (r: PolicyRuleInfo, verbs: readonly string[]) => verbs.filter((v) => has(r.verbs, v));

/** Whether a rule's resources cover `resource` (with subresources: `pods/exec`, `pods/*`, `*∕exec`). */
function coversResource(r: PolicyRuleInfo, group: string, resource: string): boolean {
  if (!has(r.apiGroups, group)) return false;
  const [main, sub] = resource.split('/') as [string, string | undefined];
  return r.resources.some((x) => x === '*' || x === resource || (sub !== undefined && (x === `${main}/*` || x === `*/${sub}`)));
}

/** `apiGroups`, `resources` and `verbs` all `*`: everything (cluster-admin). */
export function isFullWildcard(r: PolicyRuleInfo): boolean {
  return r.apiGroups.includes('*') && r.resources.includes('*') && r.verbs.includes('*');
}

const on = (r: PolicyRuleInfo) => (r.resourceNames.length ? ` (resourceNames ${r.resourceNames.join(', ')})` : '');

export const GRANT_RULES: readonly GrantRule[] = [
  {
    id: 'rbac/wildcard',
    title: 'Wildcard in RBAC verbs, resources or apiGroups',
    severity: 'HIGH',
    rationale: 'A wildcard grants every current and future verb, resource or API group, including custom resources installed later; "*" on all three is cluster-admin.',
    remediation: 'List the apiGroups, resources and verbs the subject needs explicitly.',
    links: [`${GOOD}#least-privilege`, DOC],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => {
      const where = [r.verbs.includes('*') && 'verbs', r.resources.includes('*') && 'resources', r.apiGroups.includes('*') && 'apiGroups', r.nonResourceURLs.includes('*') && 'nonResourceURLs'].filter(Boolean);
      if (where.length === 0) return undefined;
      return { what: isFullWildcard(r) ? 'do anything (apiGroups, resources and verbs are all "*")' : `use a wildcard in ${where.join(', ')}`, severity: isFullWildcard(r) ? 'CRITICAL' : 'HIGH' };
    },
  },
  {
    id: 'rbac/escalate',
    title: 'RBAC escalate permission',
    severity: 'HIGH',
    rationale: 'The escalate verb on roles lets a subject write roles with permissions it does not hold itself: a path to cluster-admin.',
    remediation: 'Remove the escalate verb; only cluster administrators should hold it.',
    links: [`${GOOD}#escalate-verb`],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => (has(r.verbs, 'escalate') && (coversResource(r, RBAC_GROUP, 'roles') || coversResource(r, RBAC_GROUP, 'clusterroles')) ? { what: `escalate roles${on(r)}` } : undefined),
  },
  {
    id: 'rbac/bind',
    title: 'RBAC bind permission',
    severity: 'HIGH',
    rationale: 'The bind verb lets a subject bind roles with permissions it does not hold itself, to anyone, itself included.',
    remediation: 'Remove the bind verb, or restrict it with resourceNames to the roles that may be handed out.',
    links: [`${GOOD}#bind-verb`],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => (has(r.verbs, 'bind') && (coversResource(r, RBAC_GROUP, 'roles') || coversResource(r, RBAC_GROUP, 'clusterroles')) ? { what: `bind roles${on(r)}` } : undefined),
  },
  {
    id: 'rbac/impersonate',
    title: 'RBAC impersonate permission',
    severity: 'HIGH',
    rationale: 'Impersonation lets a subject act as other users, groups or service accounts, with their permissions.',
    remediation: 'Remove the impersonate verb, or restrict it with resourceNames.',
    links: [`${GOOD}#impersonate-verb`, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation'],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => {
      if (!has(r.verbs, 'impersonate')) return undefined;
      const targets = ['users', 'groups', 'serviceaccounts'].filter((x) => coversResource(r, '', x));
      if (coversResource(r, 'authentication.k8s.io', 'uids')) targets.push('uids');
      return targets.length ? { what: `impersonate ${targets.join(', ')}${on(r)}` } : undefined;
    },
  },
  {
    id: 'rbac/read-secrets',
    title: 'Read access to Secrets',
    severity: 'HIGH',
    rationale: 'get, list or watch on secrets reveals every credential in scope, including service account tokens of more privileged workloads; list and watch return the contents too.',
    remediation: 'Remove read access to secrets, or restrict get to the named secrets the workload needs (resourceNames); never grant list or watch.',
    links: [`${GOOD}#listing-secrets`],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => {
      const verbs = verbAny(r, ['get', 'list', 'watch']);
      return verbs.length && coversResource(r, '', 'secrets') ? { what: `${verbs.join('/')} secrets${on(r)}` } : undefined;
    },
  },
  {
    id: 'rbac/pods-exec',
    title: 'kubectl exec / attach into pods',
    severity: 'HIGH',
    rationale: 'create on pods/exec (or pods/attach) runs commands inside any pod in scope, with that pod\'s service account token, mounted secrets and privileges.',
    remediation: 'Remove create on pods/exec and pods/attach; use audited break-glass access for debugging.',
    links: [`${GOOD}#workload-creation`, 'https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/'],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => {
      if (!has(r.verbs, 'create')) return undefined;
      const subs = ['pods/exec', 'pods/attach'].filter((x) => coversResource(r, '', x));
      return subs.length ? { what: `create ${subs.join(', ')}${on(r)}` } : undefined;
    },
  },
  {
    id: 'rbac/nodes-proxy',
    title: 'Access to nodes/proxy',
    severity: 'HIGH',
    rationale: "nodes/proxy reaches the kubelet API directly, which runs commands in every pod of the node and bypasses audit logging and admission.",
    remediation: 'Remove access to nodes/proxy; monitoring agents should use the metrics endpoints instead.',
    links: [`${GOOD}#access-to-proxy-subresource-of-nodes`],
    kinds: ['Role', 'ClusterRole'],
    grants: (r) => (r.verbs.length && coversResource(r, '', 'nodes/proxy') ? { what: `${r.verbs.join('/')} nodes/proxy` } : undefined),
  },
];

/** Rules subsumed by a full wildcard (reported once as `rbac/wildcard`). */
export const SUBSUMED_BY_WILDCARD = new Set(['rbac/escalate', 'rbac/bind', 'rbac/impersonate', 'rbac/read-secrets', 'rbac/pods-exec', 'rbac/nodes-proxy']);

/** Self-review APIs every authenticated user may create (system:basic-user); not "broad". */
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** A role is broad when it grants a risky permission or writes anything but self-reviews. */
export function isBroadRole(role: RoleInfo | undefined): boolean {
  if (!role) return false;
  return role.rules.some((r) => GRANT_RULES.some((g) => g.grants(r)) || (verbAny(r, WRITE_VERBS).length > 0 && r.resources.some((x) => !SELF_REVIEWS.has(x))));
}

export const BINDING_RULES: readonly BindingRule[] = [
  {
    id: 'rbac/cluster-admin-service-account',
    title: 'cluster-admin bound to a service account',
    severity: 'CRITICAL',
    rationale: 'Any pod running as the service account (and anyone who can create pods or read secrets in its namespace) holds full control of the cluster.',
    remediation: 'Bind a role with only the permissions the workload needs; keep cluster-admin for human break-glass accounts.',
    links: [`${GOOD}#least-privilege`, `${DOC}#user-facing-roles`],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    applies: (b, s) => (s.kind === 'ServiceAccount' && b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin' ? `is bound to cluster-admin ${b.namespace ? `in namespace "${b.namespace}"` : 'cluster-wide'}` : undefined),
  },
  {
    id: 'rbac/anonymous-binding',
    title: 'Role bound to anonymous or unauthenticated users',
    severity: 'CRITICAL',
    rationale: 'system:anonymous and system:unauthenticated are every request without credentials: whatever they are granted is granted to the internet wherever the API server is reachable.',
    remediation: 'Remove the subject from the binding (and consider --anonymous-auth=false on the API server).',
    links: [`${DOC}#discovery-roles`, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests'],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    applies: (b, s) => ((s.kind === 'User' && s.name === 'system:anonymous') || (s.kind === 'Group' && (s.name === 'system:unauthenticated' || s.name === 'system:anonymous')) ? `is bound to ${b.roleRef.kind} "${b.roleRef.name}"` : undefined),
  },
  {
    id: 'rbac/authenticated-broad-role',
    title: 'Broad role bound to all authenticated users',
    severity: 'HIGH',
    rationale: 'system:authenticated is every user and service account with valid credentials, from any identity provider the cluster trusts.',
    remediation: 'Bind the role to the specific users, groups or service accounts that need it.',
    links: [`${DOC}#discovery-roles`],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    applies: (b, s) => (s.kind === 'Group' && s.name === 'system:authenticated' && isBroadRole(b.role) ? `is bound to ${b.roleRef.kind} "${b.roleRef.name}", which grants risky or write access` : undefined),
  },
];
