/**
 * `scan --scanners`: which scanners run (`vuln`, `secret`), which catalogers the walk needs for
 * them, and the secret findings' filters (`--severity`, ignore file) and secret-only renderers.
 */
import { CATALOGERS } from '../catalog/registry.js';
import type { Cataloger } from '../catalog/types.js';
import { PortcullisError } from '../core/errors.js';
import { renderSecretJson, renderSecretSarif, renderSecretTable, type SecretRenderOptions, type SecretReportInput } from '../report/secrets.js';
import { SECRET_CATALOGER } from '../scan/secrets.js';
import type { SecretFinding } from '../core/secret-finding.js';
import type { IgnoreRule } from '../vulndb/filter.js';

export const SCANNERS = ['vuln', 'secret'] as const;
export type ScannerId = (typeof SCANNERS)[number];

/** Formats that can carry secret findings. */
export const SECRET_FORMATS = { table: renderSecretTable, json: renderSecretJson, sarif: renderSecretSarif } as const;

export interface ScannerSelection {
  vuln: boolean;
  secret: boolean;
}

/** Parses `--scanners vuln,secret`, refusing what is not built and what the target or format cannot do. */
export function parseScanners(list: string, opts: { kind: string; format: string }): ScannerSelection {
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'No scanner given to --scanners', hint: 'Use --scanners vuln, secret or vuln,secret.' });
  for (const s of ids) {
    if (s === 'config') throw new PortcullisError({ code: 'USAGE', message: 'Scanner "config" runs alone', hint: 'Run --scanners config in its own scan, and vuln and/or secret in another.' });
    if (!(SCANNERS as readonly string[]).includes(s)) throw new PortcullisError({ code: 'USAGE', message: `Unknown scanner "${s}"`, hint: 'Use --scanners vuln, secret or vuln,secret.' });
  }
  const sel = { vuln: ids.includes('vuln'), secret: ids.includes('secret') };
  if (sel.secret && opts.kind === 'sbom') throw new PortcullisError({ code: 'USAGE', message: 'An SBOM holds no file contents to scan for secrets', hint: 'Scan the image or directory itself: scan image|fs|rootfs --scanners secret.' });
  if (sel.secret && !(opts.format in SECRET_FORMATS)) throw new PortcullisError({ code: 'USAGE', message: `--format ${opts.format} cannot carry secret findings`, hint: `Use --format ${Object.keys(SECRET_FORMATS).join(', ')} with --scanners secret.` });
  return sel;
}

/** The catalogers the layer walk runs: packages for `vuln`, the secret cataloger for `secret`. */
export function catalogersFor(sel: ScannerSelection): readonly Cataloger[] {
  if (!sel.secret) return CATALOGERS;
  return sel.vuln ? [...CATALOGERS, SECRET_CATALOGER as Cataloger] : [SECRET_CATALOGER as Cataloger];
}

/**
 * `--severity` and the ignore file applied to secrets: an ignore entry names `secret/<rule-id>`
 * (or just the rule id) with optional `exp:` and `path:GLOB` (matched against the finding's path).
 */
export function filterSecrets(findings: readonly SecretFinding[], opts: { severities: readonly string[]; ignore: readonly IgnoreRule[]; now?: Date }): SecretFinding[] {
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  return findings.filter((f) => {
    if (!opts.severities.includes(f.severity)) return false;
    for (const r of opts.ignore) {
      if (r.id !== `secret/${f.ruleId}` && r.id !== f.ruleId) continue;
      if (r.expires && r.expires < today) continue;
      if (r.path && !r.path.test(f.path)) continue;
      return false;
    }
    return true;
  });
}

/** Renders the report when only the secret scanner ran. */
export function renderSecretsOnly(format: string, input: SecretReportInput, opts: SecretRenderOptions): string {
  return SECRET_FORMATS[format as keyof typeof SECRET_FORMATS](input, opts);
}
