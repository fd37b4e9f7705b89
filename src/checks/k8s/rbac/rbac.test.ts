import { describe, expect, it } from 'vitest';
import { loadDocs } from '../_test-input.js';
import { rbacFindings } from './evaluate.js';

const G = 'rbac.authorization.k8s.io/v1';
const role = (name: string, rules: unknown[], ns = 'app') => ({ apiVersion: G, kind: 'Role', metadata: { name, namespace: ns }, rules });
const binding = (name: string, roleRef: { kind: string; name: string }, subjects: unknown[], ns = 'app') => ({ apiVersion: G, kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });
const sa = { kind: 'ServiceAccount', name: 'ci' };
const ids = (docs: unknown[]) => rbacFindings(loadDocs(docs)).findings.map((f) => f.ruleId);
const withRule = (rule: Record<string, unknown>) => [role('r', [rule]), binding('b', { kind: 'Role', name: 'r' }, [sa])];

describe('rbac grant rules: a passing rule and the minimal failing change', () => {
  it('a narrow read-only role passes', () => {
    expect(ids(withRule({ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch'] }))).toEqual([]);
  });

  it.each([
    [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }, ['rbac/wildcard']],
    [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, ['rbac/wildcard']], // full wildcard subsumes the specific rules
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }, ['rbac/escalate']],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['bind'] }, ['rbac/bind']],
    [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }, ['rbac/impersonate']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, ['rbac/read-secrets']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete'] }, []], // writing secrets is not reading them
    [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }, ['rbac/pods-exec']],
    [{ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] }, ['rbac/pods-exec']],
    [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }, []],
    [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, ['rbac/nodes-proxy']],
    [{ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }, []], // secrets live in the core group
    [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }, ['rbac/wildcard', 'rbac/read-secrets', 'rbac/nodes-proxy']],
  ])('%j → %j', (rule, want) => {
    expect(ids(withRule(rule))).toEqual(want);
  });
});

describe('rbac bindings, subjects and aggregation', () => {
  it('cluster-admin bound to a service account (built-in role not in the input)', () => {
    const r = rbacFindings(loadDocs([{ apiVersion: G, kind: 'ClusterRoleBinding', metadata: { name: 'ci-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'build' }] }]));
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`)).toEqual([
      'rbac/wildcard CRITICAL ServiceAccount "build/ci" can do anything (apiGroups, resources and verbs are all "*") cluster-wide via ClusterRoleBinding "ci-admin" → ClusterRole "cluster-admin" (built-in) rules[0] (and 1 more path)',
      'rbac/cluster-admin-service-account CRITICAL ServiceAccount "build/ci" is bound to cluster-admin cluster-wide via ClusterRoleBinding "ci-admin"',
    ]);
    expect(r.findings[0]!.field).toBe('subjects[0]');
  });

  it('anonymous and unauthenticated subjects; system:authenticated only for broad roles', () => {
    const view = role('view', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const edit = role('edit', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]);
    expect(ids([view, binding('anon', { kind: 'Role', name: 'view' }, [{ kind: 'User', name: 'system:anonymous' }, { kind: 'Group', name: 'system:unauthenticated' }])])).toEqual(['rbac/anonymous-binding', 'rbac/anonymous-binding']);
    expect(ids([view, binding('all', { kind: 'Role', name: 'view' }, [{ kind: 'Group', name: 'system:authenticated' }])])).toEqual([]);
    expect(ids([edit, binding('all', { kind: 'Role', name: 'edit' }, [{ kind: 'Group', name: 'system:authenticated' }])])).toEqual(['rbac/authenticated-broad-role']);
  });

  it('one finding per subject and rule, with every path binding → role → rule', () => {
    const docs = [
      role('a', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
      { apiVersion: G, kind: 'ClusterRole', metadata: { name: 'b' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }] },
      binding('ba', { kind: 'Role', name: 'a' }, [sa]),
      binding('bb', { kind: 'ClusterRole', name: 'b' }, [{ kind: 'ServiceAccount', name: 'ci', namespace: 'app' }]),
    ];
    const r = rbacFindings(loadDocs(docs));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.message).toBe('ServiceAccount "app/ci" can list secrets in namespace "app" via RoleBinding "app/ba" → Role "app/a" rules[0] (and 1 more path)');
    expect(r.findings[0]!.properties!.paths).toEqual([
      { binding: 'RoleBinding "app/ba"', role: 'Role "a"', via: 'Role "app/a" rules[0]', grants: 'list secrets', scope: 'app' },
      { binding: 'RoleBinding "app/bb"', role: 'ClusterRole "b"', via: 'ClusterRole "b" rules[0]', grants: 'watch secrets', scope: 'app' },
    ]);
    expect(r.findings[0]!.related!.map((x) => `${x.object?.kind ?? 'self'} ${x.field}`)).toEqual(['Role rules[0]', 'RoleBinding subjects[0]', 'ClusterRole rules[0]']);
  });

  it('ClusterRole aggregation pulls in the rules of the selected roles, transitively', () => {
    const docs = [
      { apiVersion: G, kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.org/aggregate-to-agg': 'true' } }] }, rules: [] },
      { apiVersion: G, kind: 'ClusterRole', metadata: { name: 'mid', labels: { 'example.org/aggregate-to-agg': 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { leaf: 'yes' } }] }, rules: [] },
      { apiVersion: G, kind: 'ClusterRole', metadata: { name: 'leaf', labels: { leaf: 'yes' } }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] },
      { apiVersion: G, kind: 'ClusterRoleBinding', metadata: { name: 'dev' }, roleRef: { kind: 'ClusterRole', name: 'agg' }, subjects: [{ kind: 'Group', name: 'dev' }] },
    ];
    const r = rbacFindings(loadDocs(docs));
    expect(r.findings.map((f) => f.message)).toEqual(['Group "dev" can create pods/exec cluster-wide via ClusterRoleBinding "dev" → ClusterRole "leaf" rules[0]']);
  });

  it('a binding to a role not in the input is a note', () => {
    const r = rbacFindings(loadDocs([binding('x', { kind: 'Role', name: 'missing' }, [sa])]));
    expect(r.findings).toEqual([]);
    expect(r.notes).toEqual(['RoleBinding "x" (test.yaml) references Role "missing", which is not in the input; its rules are not checked']);
  });
});
