/** `scan config`: load manifests (and Dockerfiles) once, run the selected rule sets, collect findings and unknowns. */
import type { CustomRule } from './custom/load.js';
import { loadManifests, type LoadOptions } from './k8s/load.js';
import type { Policy } from './k8s/namespaces.js';
import { RULE_SETS } from './rule-sets.js';
import type { ConfigScanResult } from './types.js';

export interface ConfigScanOptions extends LoadOptions {
  /** Rule set names (all must be built; see `rule-sets.ts`). */
  ruleSets: readonly string[];
  /** Default Pod Security Standards policy for namespaces without labels. */
  pss: Policy;
  /** `--trusted-registries`: registry hosts or repository prefixes images may come from. */
  trustedRegistries?: readonly string[];
  /** `--custom-rules`, already loaded (compile errors are raised when loading). */
  customRules?: readonly CustomRule[];
}

export async function scanConfig(targets: readonly string[], opts: ConfigScanOptions): Promise<ConfigScanResult> {
  const load = await loadManifests(targets, opts);
  const result: ConfigScanResult = { findings: [], unknowns: load.unknowns.map(({ file, reason, line, column }) => ({ file, reason, ...(line !== undefined ? { line, column } : {}) })), notes: [], stats: { files: load.files, objects: load.objects.length, workloads: 0 } };
  for (const rs of RULE_SETS) {
    if (!opts.ruleSets.includes(rs.name) || !rs.run) continue;
    const r = rs.run({ load, pss: opts.pss, ...(opts.trustedRegistries ? { trustedRegistries: opts.trustedRegistries } : {}), ...(opts.customRules ? { customRules: opts.customRules } : {}) });
    result.findings.push(...r.findings);
    result.notes.push(...r.notes);
    if (r.unknowns) result.unknowns.push(...r.unknowns);
    result.stats.workloads = Math.max(result.stats.workloads, r.workloads ?? 0);
  }
  return result;
}
