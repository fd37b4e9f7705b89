/**
 * `podSecurity`: the Pod Security Standards at a level and version, with the one evaluator that
 * `scan config` uses (`checks/k8s/pss`), so the admission verdict and the scan agree exactly.
 * One result per violated control, named `podSecurity/<check id>`.
 */
import {
  evaluatePod,
  formatViolation,
  resolveVersion,
  formatPssVersion,
  type PodTemplate,
} from '../../checks/index.js';
import type { WorkloadPolicy } from '../compile.js';
import type { RuleDraft } from './types.js';

function pointerOf(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function podSecurityDrafts(policy: WorkloadPolicy, pod: PodTemplate): RuleDraft[] {
  const ps = policy.podSecurity;
  if (!ps) return [];
  const version = formatPssVersion(resolveVersion(ps.version));
  const label = `${ps.level}:${ps.versionText}`;
  const violations = evaluatePod({ level: ps.level, version: ps.version, meta: pod.meta, spec: pod.spec });
  if (violations.length === 0) {
    return [{ rule: 'podSecurity', outcome: 'pass', message: `meets Pod Security ${label} (evaluated as ${version})`, evidence: [{ kind: 'pss', id: label }], fix: [] }];
  }
  return violations.map(({ check, result }) => ({
    rule: `podSecurity/${check.id}`,
    outcome: 'fail' as const,
    code: 'POD_SECURITY',
    message: `violates Pod Security ${label}: ${formatViolation(result)}`,
    evidence: [
      { kind: 'pss', id: `${check.level}/${check.id}`, detail: `${check.title} (evaluated as ${version})` },
      ...(result.paths ?? []).slice(0, 5).map((p) => ({ kind: 'field', id: pointerOf([...pod.base, ...p]) })),
    ],
    fix: [check.remediation],
  }));
}
