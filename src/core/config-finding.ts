/**
 * Configuration findings (Kubernetes manifests, Dockerfiles, image configs: the rule sets under
 * `checks/`) as every renderer sees them: the rule, the object and the field that broke it, the fix.
 */
import type { Severity } from './severity.js';

export interface ConfigObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ConfigLocation {
  /** Dotted field path from the object root (`spec.template.spec.containers[0].securityContext`). */
  field: string;
  line: number;
  column: number;
  /** For cross-object findings: the related object and its file, when not the finding's own. */
  file?: string;
  object?: ConfigObjectRef;
}

export interface ConfigFinding {
  /** Stable rule id: `<rule set>/<…>`, e.g. `pss/restricted/runAsNonRoot`. */
  ruleId: string;
  ruleSet: string;
  title: string;
  severity: Severity;
  /** One-line message; for PSS exactly the admission controller's `reason (detail)`. */
  message: string;
  object: ConfigObjectRef;
  /** First container involved, when the finding is about containers. */
  container?: string;
  containers?: string[];
  file: string;
  line: number;
  column: number;
  field: string;
  /** Further offending fields of the same finding, and for cross-object findings the related objects. */
  related?: ConfigLocation[];
  remediation: string;
  links: string[];
  /** Rule-set specific data (for PSS: check, level, policy, modes, reason, detail). */
  properties?: Record<string, unknown>;
}
