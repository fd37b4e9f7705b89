/**
 * The `pss` rule set over loaded manifests: every workload's pod template evaluated against the
 * policies of its namespace (labels of a Namespace in the input) or the scan's default policy.
 *
 * Rule ids are `pss/<level>/<check id>` with the admission controller's check ids
 * (`pss/baseline/privileged`, `pss/restricted/runAsNonRoot`). Severity: a baseline control
 * violated is HIGH (a known privilege escalation), a restricted one MEDIUM (hardening).
 */
import { formatFieldPath } from '../../types.js';
import type { LoadResult } from '../load.js';
import { namespacePolicies, policyKey, type NamespacePolicies, type Policy, type PsaMode } from '../namespaces.js';
import { podTemplateOf } from '../workloads.js';
import { evaluatePod, formatViolation, resolveVersion } from './evaluate.js';
import type { CheckLevel, FieldPath, PssCheck } from './types.js';
import { formatPssVersion } from './version.js';
import type { ConfigFinding, ConfigLocation, Severity } from '../../../core/index.js';

export const PSS_DOC = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
export const PSS_SEVERITY: Readonly<Record<CheckLevel, Severity>> = { baseline: 'HIGH', restricted: 'MEDIUM' };
const MAX_RELATED = 20;

export interface PssScanOptions {
  /** Default policy for objects whose namespace has no labels in the input. */
  defaults: Policy;
}

export function pssRuleId(level: CheckLevel, checkId: string): string {
  return `pss/${level}/${checkId}`;
}

type PolicyModes = Map<string, { policy: Policy; modes: (PsaMode | 'default')[] }>;

/** A namespace's modes grouped by the policy they enforce (one evaluation per policy). */
function groupByPolicy(modes: NamespacePolicies['modes']): PolicyModes {
  const byPolicy: PolicyModes = new Map();
  for (const m of modes) {
    const k = policyKey(m.policy);
    const e = byPolicy.get(k) ?? { policy: m.policy, modes: [] };
    e.modes.push(m.mode);
    byPolicy.set(k, e);
  }
  return byPolicy;
}

export function pssFindings(load: LoadResult, opts: PssScanOptions): { findings: ConfigFinding[]; notes: string[]; workloads: number } {
  const notes: string[] = [];
  const namespaces = namespacePolicies(load.objects, opts.defaults, notes);
  const findings: ConfigFinding[] = [];
  const defaultModes = [{ mode: 'default' as const, policy: opts.defaults }];
  // The same for every object of a namespace, and for every finding of a check or policy.
  const policiesOf = new Map<NamespacePolicies['modes'], PolicyModes>();
  const texts = new Map<PssCheck, { ruleId: string; title: string }>();
  const evaluatedVersions = new Map<string, string>();
  let workloads = 0;
  for (const obj of load.objects) {
    const tpl = podTemplateOf(obj);
    if (!tpl) continue;
    workloads++;
    const modes = namespaces.get(obj.namespace ?? 'default')?.modes ?? defaultModes;
    let byPolicy = policiesOf.get(modes);
    if (!byPolicy) policiesOf.set(modes, (byPolicy = groupByPolicy(modes)));
    const seen = new Map<string, ConfigFinding>();
    for (const [key, { policy, modes: policyModes }] of byPolicy) {
      let evaluatedVersion = evaluatedVersions.get(key);
      if (evaluatedVersion === undefined) evaluatedVersions.set(key, (evaluatedVersion = formatPssVersion(resolveVersion(policy.version))));
      for (const { check, result } of evaluatePod({ level: policy.level, version: policy.version, meta: tpl.meta, spec: tpl.spec })) {
        const message = formatViolation(result);
        let text = texts.get(check);
        if (!text) texts.set(check, (text = { ruleId: pssRuleId(check.level, check.id), title: `${check.title} (${check.level})` }));
        const { ruleId } = text;
        const dedupe = `${ruleId}\u0000${message}`;
        const prev = seen.get(dedupe);
        if (prev) {
          (prev.properties!.modes as string[]).push(...policyModes);
          continue;
        }
        const paths: FieldPath[] = result.paths?.length ? result.paths : [['spec']];
        const locs: ConfigLocation[] = [];
        const fields = new Set<string>();
        for (const p of paths) {
          const inObject = tpl.base.length ? [...tpl.base, ...p] : p;
          const field = formatFieldPath(obj.base.length ? [...obj.base, ...inObject] : inObject);
          if (fields.has(field)) continue;
          fields.add(field);
          const pos = obj.locate(inObject);
          locs.push({ field, line: pos.line, column: pos.column });
          if (locs.length > MAX_RELATED) break;
        }
        const [first, ...rest] = locs;
        const f: ConfigFinding = {
          ruleId,
          ruleSet: 'pss',
          title: text.title,
          severity: PSS_SEVERITY[check.level],
          message,
          object: { apiVersion: obj.apiVersion, kind: obj.kind, ...(obj.namespace !== undefined ? { namespace: obj.namespace } : {}), name: obj.name },
          ...(result.containers?.length ? { container: result.containers[0], containers: result.containers } : {}),
          file: obj.file,
          line: first!.line,
          column: first!.column,
          field: first!.field,
          ...(rest.length ? { related: rest } : {}),
          remediation: check.remediation,
          links: [`${PSS_DOC}#${check.level}`],
          properties: {
            check: check.id,
            level: check.level,
            policy: key,
            evaluatedVersion,
            modes: [...policyModes],
            reason: result.forbiddenReason,
            ...(result.forbiddenDetail ? { detail: result.forbiddenDetail } : {}),
          },
        };
        seen.set(dedupe, f);
        findings.push(f);
      }
    }
  }
  return { findings, notes, workloads };
}
