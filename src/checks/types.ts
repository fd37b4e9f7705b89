/** Config-check results around the findings (`ConfigFinding` is shared vocabulary in `core/config-finding.ts`). */
import type { ConfigFinding } from '../core/index.js';

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
