/** Findings of configuration checks (rule sets under `checks/`), as every renderer sees them. */

export const CONFIG_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type ConfigSeverity = (typeof CONFIG_SEVERITIES)[number];

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
  severity: ConfigSeverity;
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

/** An input the checks could not read, with the reason and where known the line. */
export interface ConfigUnknown {
  file: string;
  reason: string;
  line?: number;
  column?: number;
}

export interface ConfigScanResult {
  findings: ConfigFinding[];
  unknowns: ConfigUnknown[];
  notes: string[];
  /** Counts for the summary: files read, objects seen, pods and templates checked. */
  stats: { files: number; objects: number; workloads: number };
}

/** `['spec', 'containers', 0, 'image']` → `spec.containers[0].image`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}
