/**
 * Every report kind and every output format it has, in one explicit table: commands look their
 * renderer up here by kind and `--format` (and take their `--format` choices and `--help` from
 * it). JSON formats are pretty-printed with two spaces and end with a newline.
 *
 * | kind          | formats                              | input                            |
 * |---------------|--------------------------------------|----------------------------------|
 * | vulnerability | table, json, sarif, cyclonedx        | `VulnReportInput` (`scan`)        |
 * | secret        | table, json, sarif                   | `SecretReportInput` (`scan --scanners secret`) |
 * | config        | table, json, sarif                   | `ConfigReportInput` (`scan config`, `--scanners config`) |
 * | compliance    | table, json                          | `ComplianceReportInput` (`scan config --compliance`) |
 * | sbom          | table, json, cyclonedx, spdx-json    | `CatalogResult` (`sbom`)          |
 * | diff          | table, json                          | `ImageDiff` (`diff`)              |
 */
import type { ComplianceReport, ConfigScanResult } from '../checks/index.js';
import { PortcullisError, type CatalogResult } from '../core/index.js';
import type { ImageDiff } from '../diff/index.js';
import { toCycloneDx, toSpdx } from '../sbom/index.js';
import { renderComplianceJson, renderComplianceTable } from './compliance.js';
import { renderConfigJsonChunks, renderConfigSarif, renderConfigTable } from './config.js';
import { renderDiffJson, renderDiffTable } from './diff.js';
import { toJsonReport } from './json.js';
import { renderSecretJson, renderSecretSarif, renderSecretTable, type SecretReportInput } from './secrets.js';
import { toTable } from './table.js';
import { renderVulnCycloneDx } from './vuln-cyclonedx.js';
import { renderVulnJson, renderVulnSarif, renderVulnTable, type VulnReportInput } from './vulns.js';

export interface RenderOptions {
  toolVersion: string;
  /** Creation time written into the document; defaults to now. */
  now?: Date;
  /** UUID for CycloneDX `serialNumber` / SPDX `documentNamespace`; random by default. */
  serial?: string;
  /** Table only: ANSI colours. */
  color?: boolean;
  /** Table only: terminal width. */
  width?: number;
}

/** One output format of one report kind. A large report may render in pieces (`Iterable<string>`). */
export interface ReportFormat<Input, Id extends string = string> {
  id: Id;
  description: string;
  render(input: Input, opts: RenderOptions): string | Iterable<string>;
}

export interface SbomFormat<Id extends string = string> extends ReportFormat<CatalogResult, Id> {
  render(result: CatalogResult, opts: RenderOptions): string;
}

function json(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

function writerOptions(o: RenderOptions) {
  return {
    toolVersion: o.toolVersion,
    ...(o.now ? { now: o.now } : {}),
    ...(o.serial ? { serial: o.serial } : {}),
  };
}

function findingOptions(o: RenderOptions) {
  return { toolVersion: o.toolVersion, ...(o.now ? { now: o.now } : {}), ...(o.color !== undefined ? { color: o.color } : {}) };
}

export const SBOM_FORMATS = {
  table: {
    id: 'table',
    description: 'packages as a table (for terminals)',
    render: (r, o) =>
      toTable(r, { color: o.color ?? false, ...(o.width !== undefined ? { width: o.width } : {}) }),
  },
  json: {
    id: 'json',
    description: 'Portcullis JSON report, schemaVersion 1 (docs/json-report.md)',
    render: (r, o) => json(toJsonReport(r, writerOptions(o))),
  },
  cyclonedx: {
    id: 'cyclonedx',
    description: 'CycloneDX 1.6 JSON',
    render: (r, o) => json(toCycloneDx(r, writerOptions(o))),
  },
  'spdx-json': {
    id: 'spdx-json',
    description: 'SPDX 2.3 JSON',
    render: (r, o) => json(toSpdx(r, writerOptions(o))),
  },
} as const satisfies { [Id in 'table' | 'json' | 'cyclonedx' | 'spdx-json']: SbomFormat<Id> };

export type SbomFormatId = keyof typeof SBOM_FORMATS;

export const SBOM_FORMAT_IDS = Object.keys(SBOM_FORMATS) as SbomFormatId[];

export function isSbomFormatId(s: string): s is SbomFormatId {
  return Object.hasOwn(SBOM_FORMATS, s);
}

/** Configuration findings with what was scanned and how (echoed in JSON as `scan`). */
export interface ConfigReportInput {
  result: ConfigScanResult;
  scan?: Record<string, unknown>;
}

/** A compliance report with what was scanned and how (echoed in JSON as `scan`). */
export interface ComplianceReportInput {
  report: ComplianceReport;
  scan?: Record<string, unknown>;
}

/** The input each report kind renders. */
export interface ReportInputs {
  vulnerability: VulnReportInput;
  secret: SecretReportInput;
  config: ConfigReportInput;
  compliance: ComplianceReportInput;
  sbom: CatalogResult;
  diff: ImageDiff;
}

export type ReportKind = keyof ReportInputs;

type FormatTable<K extends ReportKind> = Readonly<Record<string, ReportFormat<ReportInputs[K]>>>;

const VULNERABILITY_FORMATS = {
  table: { id: 'table', description: 'findings grouped by target (for terminals)', render: (r, o) => renderVulnTable(r, findingOptions(o)) },
  json: { id: 'json', description: 'Portcullis JSON report, schemaVersion 1 (docs/json-report.md)', render: (r, o) => renderVulnJson(r, findingOptions(o)) },
  sarif: { id: 'sarif', description: 'SARIF 2.1.0', render: (r, o) => renderVulnSarif(r, findingOptions(o)) },
  cyclonedx: { id: 'cyclonedx', description: 'CycloneDX 1.6 JSON with vulnerabilities', render: (r, o) => renderVulnCycloneDx(r, writerOptions(o)) },
} as const satisfies FormatTable<'vulnerability'>;

const SECRET_FORMATS = {
  table: { id: 'table', description: 'secrets grouped by file (for terminals)', render: (r, o) => renderSecretTable(r, findingOptions(o)) },
  json: { id: 'json', description: 'Portcullis JSON report, schemaVersion 1, secret fields only', render: (r, o) => renderSecretJson(r, findingOptions(o)) },
  sarif: { id: 'sarif', description: 'SARIF 2.1.0', render: (r, o) => renderSecretSarif(r, findingOptions(o)) },
} as const satisfies FormatTable<'secret'>;

const CONFIG_FORMATS = {
  table: { id: 'table', description: 'findings grouped by file (for terminals)', render: (r) => renderConfigTable(r.result) },
  json: { id: 'json', description: 'configuration report, schemaVersion 1 (docs/config-report.md)', render: (r, o) => renderConfigJsonChunks(r.result, { toolVersion: o.toolVersion, ...(o.now ? { now: o.now } : {}), ...(r.scan ? { scan: r.scan } : {}) }) },
  sarif: { id: 'sarif', description: 'SARIF 2.1.0', render: (r, o) => renderConfigSarif(r.result, { toolVersion: o.toolVersion, ...(o.now ? { now: o.now } : {}) }) },
} as const satisfies FormatTable<'config'>;

const COMPLIANCE_FORMATS = {
  table: { id: 'table', description: 'controls with their status (for terminals)', render: (r) => renderComplianceTable(r.report) },
  json: { id: 'json', description: 'compliance report, schemaVersion 1', render: (r, o) => renderComplianceJson(r.report, { toolVersion: o.toolVersion, ...(o.now ? { now: o.now } : {}), ...(r.scan ? { scan: r.scan } : {}) }) },
} as const satisfies FormatTable<'compliance'>;

const DIFF_FORMATS = {
  table: { id: 'table', description: 'sections Packages, Vulnerabilities, Files and Config (for terminals)', render: (d, o) => renderDiffTable(d, findingOptions(o)) },
  json: { id: 'json', description: 'diff report, kind "portcullis-diff", schemaVersion 1 (docs/diff-report.md)', render: (d, o) => renderDiffJson(d, findingOptions(o)) },
} as const satisfies FormatTable<'diff'>;

/** The one table: report kind → format id → renderer. */
export const REPORT_FORMATS = {
  vulnerability: VULNERABILITY_FORMATS,
  secret: SECRET_FORMATS,
  config: CONFIG_FORMATS,
  compliance: COMPLIANCE_FORMATS,
  sbom: SBOM_FORMATS,
  diff: DIFF_FORMATS,
} as const satisfies { [K in ReportKind]: FormatTable<K> };

export const REPORT_KINDS = Object.keys(REPORT_FORMATS) as ReportKind[];

/** The format ids of a report kind, in table order (`--format` choices). */
export function formatIdsOf(kind: ReportKind): string[] {
  return Object.keys(REPORT_FORMATS[kind]);
}

/** Whether `kind` can be written as `format`. */
export function hasFormat(kind: ReportKind, format: string): boolean {
  return Object.hasOwn(REPORT_FORMATS[kind], format);
}

/** The renderer of `kind` in `format`; `USAGE` when that kind has no such format. */
export function rendererFor<K extends ReportKind>(kind: K, format: string): ReportFormat<ReportInputs[K]> {
  if (!hasFormat(kind, format))
    throw new PortcullisError({ code: 'USAGE', message: `--format ${format} cannot carry ${kind} reports`, hint: `Use --format ${formatIdsOf(kind).join(', ')}.` });
  return (REPORT_FORMATS[kind] as FormatTable<K>)[format]!;
}

/** Renders a report of `kind` in `format` (a string, or pieces of one for large reports). */
export function renderReport<K extends ReportKind>(kind: K, format: string, input: ReportInputs[K], opts: RenderOptions): string | Iterable<string> {
  return rendererFor(kind, format).render(input, opts);
}
