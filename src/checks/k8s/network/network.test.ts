import { describe, expect, it } from 'vitest';
import { loadDocs } from '../_test-input.js';
import { networkFindings } from './evaluate.js';
import { readNetworkPolicy } from './policies.js';

const pod = (name: string, ns: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
const np = (name: string, ns: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

describe('NetworkPolicy policyTypes defaulting and default denies', () => {
  it.each([
    [{ podSelector: {} }, ['Ingress'], ['Ingress']],
    [{ podSelector: {}, ingress: [{}] }, ['Ingress'], []], // allow-all ingress is not a deny
    [{ podSelector: {}, egress: [{ to: [] }] }, ['Ingress', 'Egress'], ['Ingress']],
    [{ podSelector: {}, egress: [] }, ['Ingress'], ['Ingress']], // no egress rules: Egress is not defaulted
    [{ podSelector: {}, policyTypes: ['Egress'] }, ['Egress'], ['Egress']],
    [{ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, ['Ingress', 'Egress'], ['Ingress', 'Egress']],
    [{ podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress', 'Egress'] }, ['Ingress', 'Egress'], []], // not an empty selector
  ])('%j → types %j, default deny %j', (spec, types, deny) => {
    const obj = loadDocs([np('p', 'ns', spec)]).objects[0]!;
    const p = readNetworkPolicy(obj, []);
    expect([...p.types]).toEqual(types);
    expect([...p.defaultDeny]).toEqual(deny);
  });
});

describe('network coverage', () => {
  const brief = (docs: unknown[]) => networkFindings(loadDocs(docs)).findings.map((f) => `${f.ruleId} ${f.object.kind}/${f.object.name}`);

  it('isolated pods pass; a policy selecting other labels does not isolate', () => {
    const docs = [pod('a', 'ns', { app: 'a' }), pod('b', 'ns', { app: 'b' }), np('a-only', 'ns', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress', 'Egress'] })];
    expect(brief(docs)).toEqual([
      'network/ingress-not-isolated Pod/b',
      'network/egress-not-isolated Pod/b',
      'network/no-default-deny-ingress Namespace/ns',
      'network/no-default-deny-egress Namespace/ns',
    ]);
  });

  it('a default deny in the namespace isolates everything there, per direction; other namespaces are not covered', () => {
    const docs = [pod('a', 'ns', { app: 'a' }), pod('c', 'other', { app: 'a' }), np('deny', 'ns', { podSelector: {}, policyTypes: ['Ingress'] })];
    expect(brief(docs)).toEqual([
      'network/egress-not-isolated Pod/a',
      'network/ingress-not-isolated Pod/c',
      'network/egress-not-isolated Pod/c',
      'network/no-default-deny-egress Namespace/ns',
      'network/no-default-deny-ingress Namespace/other',
      'network/no-default-deny-egress Namespace/other',
    ]);
  });

  it('matchExpressions select exactly; related policies are listed', () => {
    const docs = [pod('a', 'ns', { app: 'a', tier: 'db' }), np('not-db', 'ns', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }), np('deny', 'ns', { podSelector: {}, policyTypes: ['Egress'] })];
    const r = networkFindings(loadDocs(docs)).findings;
    expect(r.map((f) => f.ruleId)).toEqual(['network/ingress-not-isolated', 'network/no-default-deny-ingress']);
    expect(r[0]!.message).toBe('pods of Pod "a" are not selected by any NetworkPolicy with policyType Ingress in namespace "ns" (1 Ingress policy does not match their labels)');
    expect(r[0]!.related).toEqual([{ field: 'spec.podSelector', line: expect.any(Number), column: 3, file: 'test.yaml', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'ns', name: 'not-db' } }]);
  });
});
