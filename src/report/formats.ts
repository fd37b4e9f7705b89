/**
 * Every SBOM output format, in one explicit table (`--format` choices and `--help` come from it).
 * JSON formats are pretty-printed with two spaces and end with a newline.
 */
import type { CatalogResult } from '../core/types.js';
import { toCycloneDx } from '../sbom/cyclonedx.js';
import { toSpdx } from '../sbom/spdx.js';
import { toJsonReport } from './json.js';
import { toTable } from './table.js';

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

export interface SbomFormat<Id extends string = string> {
  id: Id;
  description: string;
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
