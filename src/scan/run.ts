/**
 * The scan use case: a target (image, directory or SBOM) → catalog → secrets (redacted) → advisory
 * match → filters (severity, unfixed, ignore rules) → VEX → a report object. No flags, no
 * rendering, no stdout and no exit status: the CLI renders the report and picks the status from
 * `failed`; a gate, a queue worker or the admission webhook call the same function.
 */
import {
  PortcullisError,
  type CatalogResult,
  type SecretFinding,
  type SecretSkippedFile,
  type Coverage,
  type MatchResult,
  type SuppressedFinding,
  type VulnerabilityFinding,
  type Severity,
} from '../core/index.js';
import { parseImageReference } from '../oci/index.js';
import { readSbom } from '../sbom/index.js';
import {
  dataPresenceOf,
  languageEcosystemsOf,
  filterFindings,
  type IgnoreRule,
  DEFAULT_MAX_AGE_DAYS,
  type AdvisorySource,
  matchCatalog,
  releaseOf,
  loadIndexFrom,
  applyVex,
  type VexStatement,
} from '../vulndb/index.js';
import { checkAdvisoryData } from './advisory-check.js';
import { analyseTarget, type CatalogTargetOptions } from './catalog-target.js';
import type { ProgressListener } from './progress.js';
import { catalogersFor, filterSecrets, type ScannerSelection } from './scanners.js';
import { collectSecrets, redactConfigSecrets, type SecretScanResult } from './secrets.js';

export const SCAN_TARGET_KINDS = ['image', 'fs', 'rootfs', 'sbom'] as const;
export type ScanTargetKind = (typeof SCAN_TARGET_KINDS)[number];

export interface ScanOptions {
  /** `image`: any image reference (`docker://`, `oci:`, …); `fs`/`rootfs`: a directory; `sbom`: a CycloneDX or SPDX JSON file. */
  kind: ScanTargetKind;
  target: string;
  scanners: ScannerSelection;
  /** Severities reported, for vulnerabilities and secrets alike (default: all). */
  severities?: readonly Severity[];
  /** Only vulnerabilities with a fixed version. */
  ignoreUnfixed?: boolean;
  /** Ignore rules (an ignore file, parsed): vulnerability ids or aliases, `secret/<rule-id>`. */
  ignore?: readonly IgnoreRule[];
  /** VEX statements, in the order read: not_affected / fixed findings are suppressed. */
  vex?: readonly VexStatement[];
  /**
   * Opens the advisory data; required when `scanners.vuln`. Called before the target is read, so
   * that it opens while the layers are read; `runScan` closes it.
   */
  openAdvisories?: () => Promise<AdvisorySource>;
  /** Scan even when nothing found has advisory data (`DB_EMPTY` otherwise). */
  allowEmptyDb?: boolean;
  /** Age in days after which the advisory data is stale (a warning); 0: never. */
  maxAgeDays?: number;
  /** Refuse a registry image (`OFFLINE`): no network access at all. */
  offline?: boolean;
  /** How to read the image: platform, credentials, layer cache, limits. */
  image?: Omit<CatalogTargetOptions, 'onProgress' | 'catalogers'>;
  onProgress?: ProgressListener;
  /** Checked between the stages (read, match); an aborted scan rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The clock for ignore-rule expiry and staleness. */
  now?: Date;
}

interface ScanOutcome {
  /** Whether anything was reported (vulnerabilities or secrets): `--exit-code` applies. */
  failed: boolean;
}

/** What a vulnerability scan found: the input of the report kind `vulnerability` (report/vulns.ts). */
export interface VulnerabilityFindings {
  /** The catalog, with secrets masked in the image config it echoes when the secret scanner ran. */
  result: CatalogResult;
  /** Every match before filters, and the coverage notes. */
  match: MatchResult;
  /** The findings reported: after severity, unfixed and ignore filters and VEX. */
  findings: VulnerabilityFinding[];
  /** Findings a VEX statement suppressed (not_affected, fixed): reported apart, never counted. */
  suppressed: SuppressedFinding[];
  coverage: Coverage;
  /** Secret findings (redacted, filtered), when the secret scanner ran too. */
  secrets?: SecretFinding[];
  secretsSkipped?: SecretSkippedFile[];
}

/** What a secret-only scan found: the input of the report kind `secret` (report/secrets.ts). */
export interface SecretFindings {
  result: CatalogResult;
  secrets: SecretFinding[];
  skipped: SecretSkippedFile[];
}

/** Vulnerabilities (and secrets, when that scanner ran too): the report kind `vulnerability`. */
export interface VulnerabilityScanReport extends ScanOutcome {
  kind: 'vulnerability';
  input: VulnerabilityFindings;
  /** The advisory data is older than `maxAgeDays`: one line for the user. */
  staleWarning?: string;
}

/** Only the secret scanner ran: the report kind `secret` (no advisory data opened). */
export interface SecretScanReport extends ScanOutcome {
  kind: 'secret';
  input: SecretFindings;
}

export type ScanReport = VulnerabilityScanReport | SecretScanReport;

/** The reference `analyseTarget` reads: an image as given, a directory as `rootfs:`. */
export function targetReference(kind: ScanTargetKind, target: string): string {
  return kind === 'image' ? target : `rootfs:${target.replace(/^(rootfs|dir):/, '')}`;
}

interface Catalogued {
  result: CatalogResult;
  secrets?: SecretScanResult;
}

async function catalogue(opts: ScanOptions): Promise<Catalogued> {
  if (opts.kind === 'sbom') return { result: readSbom(opts.target) };
  const ref = targetReference(opts.kind, opts.target);
  if (opts.offline && parseImageReference(ref).transport === 'docker')
    throw new PortcullisError({
      code: 'OFFLINE',
      message: `Refusing to pull "${opts.target}" from a registry: --offline forbids network access`,
      hint: 'Scan a local copy instead: oci:DIR, oci-archive:FILE or docker-archive:FILE (e.g. made with skopeo copy).',
    });
  const analysed = await analyseTarget(ref, {
    ...opts.image,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    catalogers: catalogersFor(opts.scanners),
  });
  return { result: analysed.result, ...(opts.scanners.secret ? { secrets: collectSecrets(analysed) } : {}) };
}

/** Runs a scan and returns its report; throws coded errors (`DB_EMPTY`, `OFFLINE`, image and store errors). */
export async function runScan(opts: ScanOptions): Promise<ScanReport> {
  opts.signal?.throwIfAborted();
  if (opts.scanners.vuln && !opts.openAdvisories)
    throw new PortcullisError({ code: 'INTERNAL', message: 'A vulnerability scan needs advisory data: runScan was called without openAdvisories' });
  if (opts.kind === 'sbom' && opts.scanners.secret)
    throw new PortcullisError({ code: 'USAGE', message: 'An SBOM holds no file contents to scan for secrets', hint: 'Scan the image or directory itself: scan image|fs|rootfs --scanners secret.' });
  const severities = opts.severities;
  const ignore = opts.ignore ?? [];
  const now = opts.now;
  // Advisory data opens while the target is read.
  const opening = opts.scanners.vuln ? opts.openAdvisories!() : undefined;
  opening?.catch(() => undefined);
  let catalogued: Catalogued;
  try {
    catalogued = await catalogue(opts);
    opts.signal?.throwIfAborted();
  } catch (err) {
    await (await opening?.catch(() => undefined))?.close();
    throw err;
  }
  const secretScan = catalogued.secrets;
  const secrets = secretScan ? filterSecrets(secretScan.findings, { ...(severities ? { severities } : {}), ignore, ...(now ? { now } : {}) }) : undefined;
  const result = secretScan ? redactConfigSecrets(catalogued.result) : catalogued.result;
  if (!opening) {
    const found = secrets ?? [];
    return { kind: 'secret', input: { result, secrets: found, skipped: secretScan?.skipped ?? [] }, failed: found.length > 0 };
  }

  const source = await opening;
  let match;
  let check;
  try {
    const index = await loadIndexFrom(source.data, result, releaseOf(result));
    const presence = dataPresenceOf(await source.data.languagesWithData(languageEcosystemsOf(result)), index);
    check = checkAdvisoryData(result, presence, await source.data.sourceTimes(), {
      allowEmpty: !!opts.allowEmptyDb,
      maxAgeDays: opts.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
      ...(now ? { now } : {}),
    });
    match = matchCatalog(result, index);
    match.notes.push(...check.notes);
  } finally {
    await source.close();
  }
  opts.signal?.throwIfAborted();
  const filtered = filterFindings(match.findings, {
    ...(severities ? { severities: [...severities] } : {}),
    ...(opts.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
    ignore: [...ignore],
    ...(now ? { now } : {}),
  });
  const vex = applyVex(filtered, { result, statements: [...(opts.vex ?? [])] });
  const input: VulnerabilityFindings = {
    result,
    match,
    findings: vex.findings,
    suppressed: vex.suppressed,
    coverage: check.coverage,
    ...(secrets ? { secrets, secretsSkipped: secretScan?.skipped ?? [] } : {}),
  };
  return {
    kind: 'vulnerability',
    input,
    failed: vex.findings.length > 0 || (secrets?.length ?? 0) > 0,
    ...(check.staleWarning ? { staleWarning: check.staleWarning } : {}),
  };
}
