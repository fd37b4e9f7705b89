/**
 * The shape every rule of a data-driven rule set shares (hardening, rbac, network, secrets,
 * dockerfile, image, custom): what it is, how bad, why, what to do. The logic is a small check
 * function next to the definition; the evaluator that turns results into findings is written once
 * per input kind (`k8s/_finding.ts`, `dockerfile/`, `image/`).
 */
import type { Severity } from '../core/index.js';

export interface RuleDef {
  /** Stable id `<rule set>/<kebab-name>`, e.g. `hardening/run-as-non-root`. */
  id: string;
  title: string;
  /** Default severity; a result may raise or lower it (a Docker Hub image is a warning). */
  severity: Severity;
  /** Why it matters. */
  rationale: string;
  /** What to change. */
  remediation: string;
  links: readonly string[];
  /**
   * Kinds the rule looks at (`Deployment`, `Service`); `workload` means every kind with a pod
   * template (see `k8s/workloads.ts`). Cross-object rules list the kind they report on.
   */
  kinds: readonly string[];
}
