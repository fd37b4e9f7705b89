/**
 * The validators must fail: each case breaks a valid document in one way the official schema (or
 * the reference check) forbids.
 */
import { describe, expect, it } from 'vitest';
import { toCycloneDx } from './cyclonedx.js';
import { toSpdx } from './spdx.js';
import { DEBIAN_IMAGE, WRITER_OPTS } from './testdata/results.js';
import {
  checkCycloneDxReferences,
  checkSpdxReferences,
  validateCycloneDx,
  validateSpdx,
} from './validate.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cdx = (): Doc => structuredClone(toCycloneDx(DEBIAN_IMAGE, WRITER_OPTS));
const spdx = (): Doc => structuredClone(toSpdx(DEBIAN_IMAGE, WRITER_OPTS));

describe('validateCycloneDx', () => {
  it('accepts the writer output', () => {
    expect(validateCycloneDx(cdx())).toEqual({ valid: true, errors: [] });
  });

  it.each<[string, (d: Doc) => void, RegExp]>([
    ['unknown component type', (d) => (d.components[1].type = 'gadget'), /components\/1\/type/],
    ['serialNumber not a urn:uuid', (d) => (d.serialNumber = 'urn:uuid:nope'), /serialNumber/],
    [
      'license id outside the SPDX list',
      (d) => (d.components[2].licenses = [{ license: { id: 'Not-A-License' } }]),
      /components\/2\/licenses/,
    ],
    [
      'expression mixed into a license list',
      (d) => d.components[4].licenses.push({ expression: 'MIT OR ISC' }),
      /components\/4\/licenses/,
    ],
    [
      'duplicate dependency entry',
      (d) => d.dependencies.push(structuredClone(d.dependencies[2])),
      /dependencies/,
    ],
    ['unknown top-level field', (d) => (d.extra = true), /additional/],
    ['missing bomFormat', (d) => delete d.bomFormat, /bomFormat/],
    ['timestamp not a date-time', (d) => (d.metadata.timestamp = 'yesterday'), /timestamp/],
    ['unsupported specVersion', (d) => (d.specVersion = '9.9'), /specVersion/],
  ])('rejects a document with %s', (_name, mutate, message) => {
    const d = cdx();
    mutate(d);
    const res = validateCycloneDx(d);
    expect(res.valid).toBe(false);
    expect(res.errors.join('\n')).toMatch(message);
  });

  it.each<[string, (d: Doc) => void, RegExp]>([
    [
      'a dependsOn target that is no component',
      (d) => d.dependencies[2].dependsOn.push('nowhere'),
      /dependsOn "nowhere"/,
    ],
    [
      'a component listed twice in dependencies',
      (d) => d.dependencies.push({ ref: d.dependencies[2].ref, dependsOn: [] }),
      /listed twice/,
    ],
    ['a repeated bom-ref', (d) => (d.components[3]['bom-ref'] = d.components[2]['bom-ref']), /not unique/],
  ])('the reference check finds %s', (_name, mutate, message) => {
    const d = cdx();
    expect(checkCycloneDxReferences(d)).toEqual([]);
    mutate(d);
    expect(checkCycloneDxReferences(d).join('\n')).toMatch(message);
  });
});

describe('validateSpdx', () => {
  it('accepts the writer output', () => {
    expect(validateSpdx(spdx())).toEqual({ valid: true, errors: [] });
  });

  it.each<[string, (d: Doc) => void, RegExp]>([
    ['no creationInfo', (d) => delete d.creationInfo, /creationInfo/],
    ['created with milliseconds', (d) => (d.creationInfo.created = '2026-01-02T03:04:05.678Z'), /created/],
    ['an SPDXID with a slash', (d) => (d.packages[2].SPDXID = 'SPDXRef-Package-a/b'), /SPDXID/],
    ['a package without downloadLocation', (d) => delete d.packages[2].downloadLocation, /downloadLocation/],
    [
      'an unknown relationship type',
      (d) => (d.relationships[1].relationshipType = 'LIKES'),
      /relationshipType/,
    ],
    ['an unknown purpose', (d) => (d.packages[2].primaryPackagePurpose = 'GADGET'), /primaryPackagePurpose/],
    ['an unknown package field', (d) => (d.packages[2].maintainer = 'x'), /additional/],
  ])('rejects a document with %s', (_name, mutate, message) => {
    const d = spdx();
    mutate(d);
    const res = validateSpdx(d);
    expect(res.valid).toBe(false);
    expect(res.errors.join('\n')).toMatch(message);
  });

  it.each<[string, (d: Doc) => void, RegExp]>([
    [
      'a relationship to a missing element',
      (d) => (d.relationships[2].relatedSpdxElement = 'SPDXRef-Package-gone'),
      /names no element/,
    ],
    ['an undefined LicenseRef', (d) => delete d.hasExtractedLicensingInfos, /LicenseRef-Dual-License/],
    [
      'a licenseDeclared that is not an expression',
      (d) => (d.packages[2].licenseDeclared = 'Dual License'),
      /not an SPDX license expression/,
    ],
    ['a repeated SPDXID', (d) => (d.packages[3].SPDXID = d.packages[2].SPDXID), /not unique/],
    [
      'documentDescribes naming nothing',
      (d) => (d.documentDescribes = ['SPDXRef-Nothing']),
      /documentDescribes/,
    ],
  ])('the reference check finds %s', (_name, mutate, message) => {
    const d = spdx();
    expect(checkSpdxReferences(d)).toEqual([]);
    mutate(d);
    expect(checkSpdxReferences(d).join('\n')).toMatch(message);
  });
});
