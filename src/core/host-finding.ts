/**
 * Host findings: a rule over host facts (procfs/sysfs, sshd, Docker Engine, containerd, kubelet;
 * the kube-bench-format runner) that the machine did not meet, with what was expected and seen.
 */
import type { Severity } from './severity.js';

export interface HostFinding {
  /** Stable rule id: `<rule set>/<…>`, e.g. `cis-docker/2.1`. */
  ruleId: string;
  title: string;
  severity: Severity;
  /** The host the facts were collected from (hostname, or the `--root` directory). */
  host: string;
  /** Where the fact came from: a file (`/etc/ssh/sshd_config`) or an API (`docker:/info`). */
  source: string;
  /** The fact the rule looked at (`PermitRootLogin`, `kubelet.authentication.anonymous.enabled`). */
  fact: string;
  expected: string;
  /** What the host has; absent when the fact is not set at all. */
  actual?: string;
  remediation: string;
}
