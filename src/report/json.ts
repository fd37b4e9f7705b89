/**
 * Our own JSON report, versioned by `schemaVersion` (docs/json-report.md,
 * src/report/schemas/portcullis-report-v1.schema.json).
 */
import type { CatalogResult } from '../core/types.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface JsonReportOptions {
  toolVersion: string;
  now?: Date;
}

export function toJsonReport(result: CatalogResult, opts: JsonReportOptions): Record<string, unknown> {
  const byType: Record<string, number> = {};
  for (const p of result.packages) byType[p.type] = (byType[p.type] ?? 0) + 1;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    artifact: result.artifact,
    ...(result.os ? { os: result.os } : {}),
    packages: result.packages,
    unknowns: result.unknowns,
    summary: { packages: result.packages.length, byType, unknowns: result.unknowns.length },
  };
}
