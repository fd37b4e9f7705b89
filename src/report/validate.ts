/** Validation of our own JSON report against its published schema. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { ValidationResult } from '../sbom/index.js';

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;
let vulnValidator: ValidateFunction | undefined;

function schemaText(name: string): unknown {
  return JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'schemas', name), 'utf8'));
}

/** Validates a `scan … --format json` report (vulnerabilities, suppressed, secrets) against its schema. */
export function validateVulnReport(doc: unknown): ValidationResult {
  if (!vulnValidator) {
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    ajv.addSchema(schemaText('portcullis-report-v1.schema.json') as object);
    vulnValidator = ajv.compile(schemaText('portcullis-vulns-v1.schema.json') as object);
  }
  const v = vulnValidator;
  const valid = v(doc) as boolean;
  return { valid, errors: valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`) };
}

export function validateJsonReport(doc: unknown): ValidationResult {
  if (!validator) {
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const here = dirname(fileURLToPath(import.meta.url));
    validator = ajv.compile(JSON.parse(readFileSync(join(here, 'schemas', 'portcullis-report-v1.schema.json'), 'utf8')));
  }
  const v = validator;
  const valid = v(doc) as boolean;
  return { valid, errors: valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`) };
}
