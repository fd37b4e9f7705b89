/**
 * Validation of SBOM documents against the official JSON schemas (CycloneDX 1.2–1.6 from
 * @cyclonedx/cyclonedx-library, SPDX 2.3 vendored in ./schemas). Validators compile lazily, once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

function cdxSchemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

function loadJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function spdxSchemaPath(): string {
  // Works from src/sbom (tests) and from dist/ (bundled CLI: schemas copied beside it).
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'schemas', 'spdx-schema-2.3.json'), join(here, '..', 'src', 'sbom', 'schemas', 'spdx-schema-2.3.json')]) {
    try {
      readFileSync(p);
      return p;
    } catch {
      continue;
    }
  }
  throw new Error('SPDX 2.3 schema not found');
}

const cdxValidators = new Map<string, ValidateFunction>();
let spdxValidator: ValidateFunction | undefined;

function format(v: ValidateFunction): string[] {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`);
}

export const CYCLONEDX_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'] as const;

function cdxValidator(version: string): ValidateFunction {
  const hit = cdxValidators.get(version);
  if (hit) return hit;
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const dir = cdxSchemaDir();
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  // The bundled bom schemas refer to their siblings as `*.SNAPSHOT.schema.json`; register each
  // sibling under both names.
  for (const name of ['spdx', 'jsf-0.82', 'cryptography-defs']) {
    let schema: Record<string, unknown>;
    try {
      schema = loadJson(join(dir, `${name}.SNAPSHOT.schema.json`));
    } catch {
      continue;
    }
    ajv.addSchema(schema);
    ajv.addSchema({ ...schema, $id: `http://cyclonedx.org/schema/${name}.SNAPSHOT.schema.json` });
  }
  const v = ajv.compile(loadJson(join(dir, `bom-${version}.SNAPSHOT.schema.json`)));
  cdxValidators.set(version, v);
  return v;
}

/** Validates a CycloneDX JSON document against the schema of its own specVersion. */
export function validateCycloneDx(doc: unknown): ValidationResult {
  const version = (doc as { specVersion?: unknown })?.specVersion;
  if (typeof version !== 'string' || !(CYCLONEDX_VERSIONS as readonly string[]).includes(version)) {
    return { valid: false, errors: [`/specVersion must be one of ${CYCLONEDX_VERSIONS.join(', ')}`] };
  }
  const v = cdxValidator(version);
  const valid = v(doc) as boolean;
  return { valid, errors: valid ? [] : format(v) };
}

/** Validates an SPDX 2.3 JSON document. */
export function validateSpdx(doc: unknown): ValidationResult {
  if (!spdxValidator) {
      const Ajv2019 = require('ajv/dist/2019').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
      const ajv = new Ajv2019({ strict: false, allErrors: false });
    addFormats(ajv);
    spdxValidator = ajv.compile(loadJson(spdxSchemaPath()));
  }
  const v = spdxValidator;
  const valid = v(doc) as boolean;
  return { valid, errors: valid ? [] : format(v) };
}
