/**
 * The configuration rule sets, in one table. `scan config --rules` names these; each lists its
 * rule ids (for `--compliance`: a control is assessed only when one of its rules ran).
 */
import type { ConfigUnknown } from './types.js';
import type { RuleDef } from './rule.js';
import type { LoadResult } from './k8s/load.js';
import type { Policy } from './k8s/namespaces.js';
import { pssFindings, pssRuleId } from './k8s/pss/findings.js';
import { PSS_CHECKS } from './k8s/pss/registry.js';
import { hardeningFindings } from './k8s/hardening/evaluate.js';
import { HARDENING_RULES } from './k8s/hardening/rules.js';
import { RBAC_RULE_LIST, rbacFindings } from './k8s/rbac/evaluate.js';
import { NETWORK_RULE_LIST, networkFindings } from './k8s/network/evaluate.js';
import { SECRETS_RULE_LIST, secretsFindings } from './k8s/secrets/evaluate.js';
import { dockerfileFindings } from './dockerfile/evaluate.js';
import { DOCKERFILE_RULES } from './dockerfile/rules.js';
import { customFindings } from './custom/evaluate.js';
import type { CustomRule } from './custom/load.js';
import { IMAGE_RULES } from './image/rules.js';
import type { ConfigFinding } from '../core/index.js';

export interface RuleSetContext {
  load: LoadResult;
  pss: Policy;
  /** `--trusted-registries`. */
  trustedRegistries?: readonly string[];
  /** `--custom-rules`, loaded and compiled. */
  customRules?: readonly CustomRule[];
}

export interface RuleSetRun {
  findings: ConfigFinding[];
  notes: string[];
  unknowns?: ConfigUnknown[];
  workloads?: number;
}

export interface RuleSet {
  name: string;
  description: string;
  /** Every rule the set can report (custom: the rules loaded). */
  rules: (ctx: Pick<RuleSetContext, 'customRules'>) => readonly Pick<RuleDef, 'id' | 'title' | 'severity'>[];
  run?: (ctx: RuleSetContext) => RuleSetRun;
}

export const RULE_SETS: readonly RuleSet[] = [
  {
    name: 'pss',
    description: 'Kubernetes Pod Security Standards (baseline, restricted), every policy version',
    rules: () => PSS_CHECKS.map((c) => ({ id: pssRuleId(c.level, c.id), title: c.title, severity: c.level === 'baseline' ? 'HIGH' : 'MEDIUM' })),
    run: (ctx) => pssFindings(ctx.load, { defaults: ctx.pss }),
  },
  {
    name: 'hardening',
    description: 'Kubernetes workload and object hardening beyond the standards',
    rules: () => HARDENING_RULES,
    run: (ctx) => hardeningFindings(ctx.load, ctx.trustedRegistries ? { trustedRegistries: ctx.trustedRegistries } : {}),
  },
  { name: 'rbac', description: 'Kubernetes RBAC: risky grants per subject, across bindings and roles', rules: () => RBAC_RULE_LIST, run: (ctx) => rbacFindings(ctx.load) },
  { name: 'network', description: 'Kubernetes NetworkPolicy coverage per pod and default denies per namespace', rules: () => NETWORK_RULE_LIST, run: (ctx) => networkFindings(ctx.load) },
  { name: 'secrets', description: 'Kubernetes Secrets: encryption at rest, size, env exposure, key material', rules: () => SECRETS_RULE_LIST, run: (ctx) => secretsFindings(ctx.load) },
  { name: 'dockerfile', description: 'Dockerfiles: user, base images, remote content, secrets, health check', rules: () => DOCKERFILE_RULES, run: (ctx) => dockerfileFindings(ctx.load.dockerfiles) },
  { name: 'custom', description: 'User-defined CEL rules (--custom-rules)', rules: (ctx) => ctx.customRules ?? [], run: (ctx) => customFindings(ctx.load, ctx.customRules ?? []) },
];

/** Image configuration rules: run by `scan image --scanners config`, not by `scan config`. */
export const IMAGE_RULE_SET = { name: 'image', description: 'Image configuration: user, ports, setuid/setgid, world-writable directories, secrets', rules: () => IMAGE_RULES } as const;

export const builtRuleSets = (): string[] => RULE_SETS.filter((r) => r.run).map((r) => r.name);

/** Rule ids of the selected rule sets (what `--compliance` counts as assessed). */
export function ruleIdsOf(names: readonly string[], ctx: Pick<RuleSetContext, 'customRules'>): string[] {
  return RULE_SETS.filter((r) => names.includes(r.name)).flatMap((r) => r.rules(ctx).map((x) => x.id));
}

let ruleIndex: Map<string, RuleDef> | undefined;

/** The definition of a built-in rule (with its rationale), for renderers; undefined for PSS and custom rules. */
export function ruleDefinition(id: string): RuleDef | undefined {
  ruleIndex ??= new Map([...HARDENING_RULES, ...RBAC_RULE_LIST, ...NETWORK_RULE_LIST, ...SECRETS_RULE_LIST, ...DOCKERFILE_RULES, ...IMAGE_RULES].map((r) => [r.id, r]));
  return ruleIndex.get(id);
}
