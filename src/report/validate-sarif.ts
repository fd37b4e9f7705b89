/**
 * Validation of SARIF logs against the official OASIS SARIF 2.1.0 JSON schema (vendored in
 * ./schemas, see its README). The schema declares JSON Schema draft-04; the keywords it uses mean
 * the same in draft-07 (no boolean `exclusiveMinimum`, `id` only at the top), so it is compiled by
 * the draft-07 Ajv with its `id` read as `$id`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { ValidationResult } from '../sbom/index.js';

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

function schemaPath(): string {
  // Beside this module in the source tree; under src/report/schemas relative to a bundled dist/.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'schemas', 'sarif-schema-2.1.0.json'),
    join(here, '..', 'src', 'report', 'schemas', 'sarif-schema-2.1.0.json'),
  ];
  for (const p of candidates) {
    try {
      readFileSync(p);
      return p;
    } catch {
      continue;
    }
  }
  throw new Error(`SARIF 2.1.0 schema not found (looked in ${candidates.join(', ')})`);
}

/** Validates a SARIF log against the SARIF 2.1.0 schema. */
export function validateSarif(doc: unknown): ValidationResult {
  if (!validator) {
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    const {
      $schema: _draft04,
      id,
      ...schema
    } = JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, unknown>;
    validator = ajv.compile({ $id: String(id), ...schema });
  }
  const v = validator;
  const valid = v(doc) as boolean;
  return {
    valid,
    errors: valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`),
  };
}
