/**
 * The configuration scan use cases, returning report objects like `runScan`:
 *
 * - `runConfigScan`: Kubernetes manifests and Dockerfiles against the configuration rule sets
 *   (`scan config`), optionally judged per control of a compliance framework;
 * - `runImageConfigScan`: the image configuration rules over an image's config and merged
 *   filesystem (`scan image|rootfs --scanners config`); no package catalogers, no advisory data.
 */
import {
  evaluateCompliance,
  type ComplianceReport,
  type Framework,
  scanConfig,
  type ConfigScanOptions,
  type CustomRule,
  scanImageConfig,
  type Policy,
  ruleIdsOf,
  type ConfigScanResult,
  type ConfigUnknown,
} from '../checks/index.js';
import { analyseTarget, type CatalogTargetOptions } from './catalog-target.js';
import type { ProgressListener } from './progress.js';
import { targetReference } from './run.js';

/** What was scanned and how, echoed in the JSON reports as `scan`. */
export type ScanDescription = Record<string, unknown>;

/** Configuration findings: the report kind `config`. */
export interface ConfigFindingsReport {
  kind: 'config';
  input: { result: ConfigScanResult; scan: ScanDescription };
  /** Findings reported, or inputs that could not be checked: `--exit-code` applies. */
  failed: boolean;
  notes: string[];
  unknowns: ConfigUnknown[];
}

/** A framework's controls judged from the findings: the report kind `compliance`. */
export interface ComplianceFindingsReport {
  kind: 'compliance';
  input: { report: ComplianceReport; scan: ScanDescription };
  /** A control failed, or inputs could not be checked: `--exit-code` applies. */
  failed: boolean;
  notes: string[];
  unknowns: ConfigUnknown[];
}

export type ConfigScanReport = ConfigFindingsReport | ComplianceFindingsReport;

export interface ConfigScanRunOptions extends Pick<ConfigScanOptions, 'readStdin' | 'parseWorkers' | 'parseWorkerUrl' | 'maxFileBytes' | 'maxAliasCount'> {
  /** Manifest files, Dockerfiles, directories, or `-` for the `readStdin` text. */
  paths: readonly string[];
  /** Rule set names (all built). */
  ruleSets: readonly string[];
  /** Pod Security Standards policy for namespaces without labels in the input. */
  pss: Policy;
  /** The PSS version as the user wrote it (echoed in the JSON report's `scan`). */
  pssVersionLabel: string;
  trustedRegistries?: readonly string[];
  /** Custom rules, loaded; they run when `ruleSets` includes `custom`. */
  customRules?: readonly CustomRule[];
  /** Judge per control of this framework instead of listing findings. */
  framework?: Framework;
  /** Severities reported; compliance judges every finding regardless. */
  severities?: readonly string[];
}

/** `scan config`: checks the inputs and returns the findings (or the compliance report). */
export async function runConfigScan(opts: ConfigScanRunOptions): Promise<ConfigScanReport> {
  const { ruleSets, customRules, trustedRegistries } = opts;
  const result = await scanConfig(opts.paths, {
    ruleSets,
    pss: opts.pss,
    ...(opts.readStdin ? { readStdin: opts.readStdin } : {}),
    ...(opts.parseWorkers !== undefined ? { parseWorkers: opts.parseWorkers } : {}),
    ...(opts.parseWorkerUrl ? { parseWorkerUrl: opts.parseWorkerUrl } : {}),
    ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
    ...(opts.maxAliasCount !== undefined ? { maxAliasCount: opts.maxAliasCount } : {}),
    ...(trustedRegistries ? { trustedRegistries } : {}),
    ...(customRules ? { customRules } : {}),
  });
  // Compliance judges every finding: a control must not pass because --severity hid its findings.
  const allFindings = result.findings;
  const severities = opts.severities;
  if (severities) result.findings = result.findings.filter((f) => severities.includes(f.severity));
  const scan = {
    targets: opts.paths,
    ruleSets,
    pss: { level: opts.pss.level, version: opts.pssVersionLabel },
    ...(trustedRegistries ? { trustedRegistries } : {}),
    ...(customRules ? { customRules: customRules.map((r) => r.id) } : {}),
  };
  const unreadable = result.unknowns.length > 0;
  const common = { notes: result.notes, unknowns: result.unknowns };
  if (!opts.framework) return { kind: 'config', input: { result, scan }, failed: result.findings.length > 0 || unreadable, ...common };
  const extra = new Map<string, string[]>();
  for (const r of customRules ?? []) for (const c of r.compliance) extra.set(c, [...(extra.get(c) ?? []), r.id]);
  const report: ComplianceReport = evaluateCompliance({
    framework: opts.framework,
    findings: allFindings,
    ranRules: ruleIdsOf(ruleSets, customRules ? { customRules } : {}),
    extra,
  });
  return { kind: 'compliance', input: { report, scan }, failed: report.summary.fail > 0 || unreadable, ...common };
}

export interface ImageConfigScanOptions {
  kind: 'image' | 'rootfs';
  target: string;
  /** Severities reported (default: all). */
  severities?: readonly string[];
  /** How to read the image: platform, credentials, layer cache, limits. */
  image?: Omit<CatalogTargetOptions, 'onProgress' | 'catalogers'>;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** `scan image|rootfs --scanners config`: the image configuration rules. */
export async function runImageConfigScan(opts: ImageConfigScanOptions): Promise<ConfigFindingsReport> {
  opts.signal?.throwIfAborted();
  // No package catalogers: the rules read the config and the file modes only.
  const analysed = await analyseTarget(targetReference(opts.kind, opts.target), {
    ...opts.image,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    catalogers: [],
  });
  opts.signal?.throwIfAborted();
  const result: ConfigScanResult = scanImageConfig(analysed);
  const severities = opts.severities;
  if (severities) result.findings = result.findings.filter((f) => severities.includes(f.severity));
  const scan = { targets: [analysed.result.artifact.reference], ruleSets: ['image'] };
  return { kind: 'config', input: { result, scan }, failed: result.findings.length > 0, notes: result.notes, unknowns: result.unknowns };
}
