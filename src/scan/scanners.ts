/**
 * What a scan looks for (`vuln`, `secret`), which catalogers the layer walk runs for it, and the
 * filters secret findings go through (`--severity`, ignore file).
 */
import { CATALOGERS, type Cataloger } from '../catalog/index.js';
import type { SecretFinding } from '../core/index.js';
import type { IgnoreRule } from '../vulndb/index.js';
import { SECRET_CATALOGER } from './secrets.js';

export const SCANNERS = ['vuln', 'secret'] as const;
export type ScannerId = (typeof SCANNERS)[number];

export interface ScannerSelection {
  vuln: boolean;
  secret: boolean;
}

/** The catalogers the layer walk runs: packages for `vuln`, the secret cataloger for `secret`. */
export function catalogersFor(sel: ScannerSelection): readonly Cataloger[] {
  if (!sel.secret) return CATALOGERS;
  return sel.vuln ? [...CATALOGERS, SECRET_CATALOGER as Cataloger] : [SECRET_CATALOGER as Cataloger];
}

/**
 * `--severity` (all when absent) and the ignore file applied to secrets: an ignore entry names `secret/<rule-id>`
 * (or just the rule id) with optional `exp:` and `path:GLOB` (matched against the finding's path).
 */
export function filterSecrets(findings: readonly SecretFinding[], opts: { severities?: readonly string[]; ignore: readonly IgnoreRule[]; now?: Date }): SecretFinding[] {
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  return findings.filter((f) => {
    if (opts.severities && !opts.severities.includes(f.severity)) return false;
    for (const r of opts.ignore) {
      if (r.id !== `secret/${f.ruleId}` && r.id !== f.ruleId) continue;
      if (r.expires && r.expires < today) continue;
      if (r.path && !r.path.test(f.path)) continue;
      return false;
    }
    return true;
  });
}
