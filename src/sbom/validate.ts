/**
 * Validation of SBOM documents against the official JSON schemas: CycloneDX 1.2–1.6 (draft-07) as
 * bundled in @cyclonedx/cyclonedx-library, together with the `spdx` and `jsf` schemas they
 * reference; SPDX 2.3 (JSON Schema draft 2019-09) vendored in ./schemas. Each validator compiles
 * on first use and is cached.
 *
 * The `check…References` functions add what a JSON schema cannot say: identifiers are unique and
 * every reference points at something in the document.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import parseSpdx from 'spdx-expression-parse';

const require = createRequire(import.meta.url);

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

export const CYCLONEDX_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'] as const;

type AjvClass = typeof import('ajv').default;

function cdxSchemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

function loadJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function spdxSchemaPath(): string {
  // Beside this module in the source tree; under src/sbom/schemas relative to a bundled dist/.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'schemas', 'spdx-schema-2.3.json'),
    join(here, '..', 'src', 'sbom', 'schemas', 'spdx-schema-2.3.json'),
  ];
  for (const p of candidates) {
    try {
      readFileSync(p);
      return p;
    } catch {
      continue;
    }
  }
  throw new Error(`SPDX 2.3 schema not found (looked in ${candidates.join(', ')})`);
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  let extra = '';
  if (Array.isArray(params.allowedValues)) {
    const values = params.allowedValues as unknown[];
    extra = ` (${values
      .slice(0, 12)
      .map((v) => JSON.stringify(v))
      .join(', ')}${values.length > 12 ? `, … ${values.length - 12} more` : ''})`;
  } else if ('additionalProperty' in params) {
    extra = ` ("${String(params.additionalProperty)}")`;
  }
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
}

function run(v: ValidateFunction, doc: unknown): ValidationResult {
  const valid = v(doc) as boolean;
  return { valid, errors: valid ? [] : (v.errors ?? []).map(describe) };
}

const cdxValidators = new Map<string, ValidateFunction>();
let spdxValidator: ValidateFunction | undefined;

function cdxValidator(version: string): ValidateFunction {
  const hit = cdxValidators.get(version);
  if (hit) return hit;
  const Ajv = require('ajv').default as AjvClass;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const dir = cdxSchemaDir();
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
  addFormats(ajv);
  // Formats ajv-formats lacks; the schema uses them for URLs and e-mail addresses.
  ajv.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  // The bundled bom schemas refer to their siblings as `*.SNAPSHOT.schema.json` while the siblings'
  // `$id`s say `*.schema.json`: register each under both names.
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

/** Validates a CycloneDX JSON document against the official schema of its own `specVersion`. */
export function validateCycloneDx(doc: unknown): ValidationResult {
  const version = (doc as { specVersion?: unknown } | null)?.specVersion;
  if (typeof version !== 'string' || !(CYCLONEDX_VERSIONS as readonly string[]).includes(version)) {
    return { valid: false, errors: [`/specVersion must be one of ${CYCLONEDX_VERSIONS.join(', ')}`] };
  }
  return run(cdxValidator(version), doc);
}

/** Validates an SPDX 2.3 JSON document against the official SPDX 2.3 schema. */
export function validateSpdx(doc: unknown): ValidationResult {
  if (!spdxValidator) {
    // The SPDX 2.3 schema declares JSON Schema draft 2019-09.
    const Ajv2019 = require('ajv/dist/2019').default as AjvClass;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const ajv = new Ajv2019({ strict: false, allErrors: false, logger: false });
    addFormats(ajv);
    spdxValidator = ajv.compile(loadJson(spdxSchemaPath()));
  }
  return run(spdxValidator, doc);
}

type Obj = Record<string, unknown>;
const arr = (x: unknown): Obj[] => (Array.isArray(x) ? (x as Obj[]) : []);

/**
 * Referential integrity of a CycloneDX document: `bom-ref`s unique (components nested inside
 * components included), every `dependencies` ref and `dependsOn` target a known `bom-ref`, no
 * component listed twice in `dependencies`.
 */
export function checkCycloneDxReferences(doc: unknown): string[] {
  const d = doc as Obj;
  const errors: string[] = [];
  const refs = new Set<string>();
  const addRef = (c: Obj, where: string) => {
    const ref = c['bom-ref'];
    if (typeof ref !== 'string') return;
    if (refs.has(ref)) errors.push(`${where} bom-ref "${ref}" is not unique`);
    refs.add(ref);
  };
  const meta = (d.metadata ?? {}) as Obj;
  if (meta.component) addRef(meta.component as Obj, '/metadata/component');
  const walk = (list: Obj[], path: string) =>
    list.forEach((c, i) => {
      addRef(c, `${path}/${i}`);
      walk(arr(c.components), `${path}/${i}/components`);
    });
  walk(arr(d.components), '/components');
  const seen = new Set<string>();
  arr(d.dependencies).forEach((dep, i) => {
    const ref = String(dep.ref);
    if (!refs.has(ref)) errors.push(`/dependencies/${i} ref "${ref}" names no component`);
    if (seen.has(ref)) errors.push(`/dependencies/${i} ref "${ref}" is listed twice`);
    seen.add(ref);
    for (const t of (dep.dependsOn as string[] | undefined) ?? [])
      if (!refs.has(t)) errors.push(`/dependencies/${i} dependsOn "${t}" names no component`);
  });
  return errors;
}

/**
 * Referential integrity of an SPDX 2.3 document: SPDXIDs unique, relationships and
 * `documentDescribes` name known elements, every `licenseDeclared`/`licenseConcluded` is NONE,
 * NOASSERTION or a valid SPDX expression whose `LicenseRef-`s are defined in
 * `hasExtractedLicensingInfos`.
 */
export function checkSpdxReferences(doc: unknown): string[] {
  const d = doc as Obj;
  const errors: string[] = [];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  const elements = [
    ...arr(d.packages).map((p, i) => [p, `/packages/${i}`] as const),
    ...arr(d.files).map((f, i) => [f, `/files/${i}`] as const),
    ...arr(d.snippets).map((s, i) => [s, `/snippets/${i}`] as const),
  ];
  for (const [e, where] of elements) {
    const id = String(e.SPDXID);
    if (ids.has(id)) errors.push(`${where} SPDXID "${id}" is not unique`);
    ids.add(id);
  }
  const known = (x: unknown) =>
    typeof x === 'string' &&
    (ids.has(x) || x === 'NONE' || x === 'NOASSERTION' || x.startsWith('DocumentRef-'));
  arr(d.relationships).forEach((r, i) => {
    if (!known(r.spdxElementId))
      errors.push(`/relationships/${i} spdxElementId "${String(r.spdxElementId)}" names no element`);
    if (!known(r.relatedSpdxElement))
      errors.push(
        `/relationships/${i} relatedSpdxElement "${String(r.relatedSpdxElement)}" names no element`,
      );
  });
  ((d.documentDescribes as string[] | undefined) ?? []).forEach((id, i) => {
    if (!ids.has(id)) errors.push(`/documentDescribes/${i} "${id}" names no element`);
  });
  const defined = new Set(arr(d.hasExtractedLicensingInfos).map((l) => String(l.licenseId)));
  arr(d.packages).forEach((p, i) => {
    for (const field of ['licenseDeclared', 'licenseConcluded'] as const) {
      const v = p[field];
      if (v === undefined || v === 'NONE' || v === 'NOASSERTION') continue;
      try {
        parseSpdx(String(v));
      } catch {
        errors.push(`/packages/${i}/${field} "${String(v)}" is not an SPDX license expression`);
        continue;
      }
      for (const ref of String(v).match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
        if (!defined.has(ref))
          errors.push(
            `/packages/${i}/${field} uses ${ref}, which hasExtractedLicensingInfos does not define`,
          );
      }
    }
  });
  return errors;
}
