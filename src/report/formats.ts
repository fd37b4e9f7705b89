/** Every SBOM output format, in one explicit table. */
import type { CatalogResult } from '../core/types.js';
import { toCycloneDx } from '../sbom/cyclonedx.js';
import { toSpdx } from '../sbom/spdx.js';
import { toJsonReport } from './json.js';
import { toTable } from './table.js';

export interface RenderOptions {
  toolVersion: string;
  now?: Date;
  serial?: string;
  color?: boolean;
  width?: number;
}

export interface SbomFormat {
  id: string;
  description: string;
  render(result: CatalogResult, opts: RenderOptions): string;
}

const json = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

export const SBOM_FORMATS = {
  table: { id: 'table', description: 'packages as a table (for terminals)', render: (r, o) => toTable(r, { color: !!o.color, ...(o.width ? { width: o.width } : {}) }) },
  json: { id: 'json', description: 'Portcullis JSON report, schemaVersion 1 (docs/json-report.md)', render: (r, o) => json(toJsonReport(r, o)) },
  cyclonedx: { id: 'cyclonedx', description: 'CycloneDX 1.6 JSON', render: (r, o) => json(toCycloneDx(r, o)) },
  'spdx-json': { id: 'spdx-json', description: 'SPDX 2.3 JSON', render: (r, o) => json(toSpdx(r, o)) },
} as const satisfies Record<string, SbomFormat>;

export type SbomFormatId = keyof typeof SBOM_FORMATS;
