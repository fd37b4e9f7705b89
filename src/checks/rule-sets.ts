/**
 * The configuration rule sets, in one table. `scan config --rules` names these; a rule set that is
 * not built yet is listed so that its name is reserved, and asking for it is a usage error.
 */
import type { ConfigFinding } from './types.js';
import type { LoadResult } from './k8s/load.js';
import { pssFindings } from './k8s/pss/findings.js';
import type { Policy } from './k8s/namespaces.js';

export interface RuleSetContext {
  load: LoadResult;
  pss: Policy;
}

export interface RuleSet {
  name: string;
  description: string;
  run?: (ctx: RuleSetContext) => { findings: ConfigFinding[]; notes: string[]; workloads?: number };
}

export const RULE_SETS: readonly RuleSet[] = [
  { name: 'pss', description: 'Kubernetes Pod Security Standards (baseline, restricted), every policy version', run: (ctx) => pssFindings(ctx.load, { defaults: ctx.pss }) },
  { name: 'hardening', description: 'Kubernetes workload hardening beyond the standards' },
  { name: 'rbac', description: 'Kubernetes RBAC' },
  { name: 'network', description: 'Kubernetes network policies and services' },
  { name: 'secrets', description: 'Secrets in Kubernetes manifests' },
  { name: 'dockerfile', description: 'Dockerfile checks' },
  { name: 'custom', description: 'User-defined checks' },
];

export const builtRuleSets = (): string[] => RULE_SETS.filter((r) => r.run).map((r) => r.name);
