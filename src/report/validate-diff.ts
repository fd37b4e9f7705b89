/** Validation of the `portcullis diff` JSON report against its published schema. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { ValidationResult } from '../sbom/index.js';

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

/** Validates a parsed diff report (`kind: "portcullis-diff"`, schemaVersion 1). */
export function validateDiffReport(doc: unknown): ValidationResult {
  if (!validator) {
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    // Strict, so a mistake in the schema itself fails loudly; `required` inside if/then is fine.
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
    addFormats(ajv);
    const here = dirname(fileURLToPath(import.meta.url));
    validator = ajv.compile(
      JSON.parse(readFileSync(join(here, 'schemas', 'portcullis-diff-v1.schema.json'), 'utf8')),
    );
  }
  const v = validator;
  const valid = v(doc) as boolean;
  return {
    valid,
    errors: valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`),
  };
}
