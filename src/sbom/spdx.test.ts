/** SPDX 2.3 writer: golden files validated against the official schema, and the mapping rules. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import { SPDX_OS_ID, SPDX_ROOT_ID, sanitiseSpdxId, toSpdx } from './spdx.js';
import { DEBIAN_IMAGE, golden, RESULTS, WRITER_OPTS } from './testdata/results.js';
import { checkSpdxReferences, validateSpdx } from './validate.js';

type SpdxPackage = Record<string, unknown> & { SPDXID: string; name: string };
type Rel = { spdxElementId: string; relationshipType: string; relatedSpdxElement: string };
type Doc = {
  packages: SpdxPackage[];
  relationships: Rel[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string }[];
  documentNamespace: string;
  documentDescribes: string[];
  creationInfo: { created: string; creators: string[] };
};

const render = (r: CatalogResult) => JSON.stringify(toSpdx(r, WRITER_OPTS), null, 2) + '\n';
const doc = toSpdx(DEBIAN_IMAGE, WRITER_OPTS) as unknown as Doc;
const byName = (name: string) => doc.packages.find((p) => p.name === name)!;
const spdxId = (name: string) => `SPDXRef-Package-${DEBIAN_IMAGE.packages.find((p) => p.name === name)!.id}`;

describe('toSpdx', () => {
  it.each(Object.entries(RESULTS))(
    '%s matches its golden file, which validates against the SPDX 2.3 schema',
    (name, result) => {
      const text = render(result);
      const expected = golden(`${name}.spdx.json`, text);
      expect(text).toBe(expected);
      const parsed = JSON.parse(expected);
      expect(validateSpdx(parsed)).toEqual({ valid: true, errors: [] });
      expect(checkSpdxReferences(parsed)).toEqual([]);
    },
  );

  it('writes the document header from the options', () => {
    expect(doc.creationInfo).toEqual({
      created: '2026-01-02T03:04:05Z',
      creators: ['Tool: portcullis-0.0.0-test'],
    });
    expect(doc.documentNamespace).toBe(
      `https://spdx.org/spdxdocs/portcullis/registry.example.com-shop-checkout-${WRITER_OPTS.serial}`,
    );
    expect(doc.documentDescribes).toEqual([SPDX_ROOT_ID]);
    expect(doc.relationships[0]).toEqual({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: SPDX_ROOT_ID,
    });
  });

  it('describes the image as a CONTAINER package with its digest, and the OS as OPERATING-SYSTEM', () => {
    expect(doc.packages[0]).toMatchObject({
      SPDXID: SPDX_ROOT_ID,
      name: 'registry.example.com/shop/checkout',
      versionInfo: DEBIAN_IMAGE.artifact.digest,
      checksums: [{ algorithm: 'SHA256', checksumValue: DEBIAN_IMAGE.artifact.digest!.slice(7) }],
      primaryPackagePurpose: 'CONTAINER',
    });
    expect(doc.packages[1]).toMatchObject({
      SPDXID: SPDX_OS_ID,
      name: 'debian',
      versionInfo: '12',
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
  });

  it.each([
    [
      'bash',
      {
        SPDXID: spdxId('bash'),
        versionInfo: '5.2.15-2+b8',
        supplier: 'Person: Matthias Klose (doko@debian.org)',
        licenseDeclared: 'GPL-3.0-or-later',
        sourceInfo: expect.stringContaining('source package bash 5.2.15-2'),
      },
    ],
    [
      'libc6',
      {
        supplier: 'Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)',
        licenseDeclared: 'LGPL-2.1-or-later AND GPL-2.0-or-later',
        sourceInfo: expect.stringContaining('source package glibc'),
      },
    ],
    ['libgcc-s1', { licenseDeclared: 'GPL-3.0-or-later WITH GCC-exception-3.1' }],
    ['cryptography', { licenseDeclared: 'Apache-2.0 OR BSD-3-Clause' }],
    ['python-dateutil', { licenseDeclared: 'LicenseRef-Dual-License' }],
    [
      'gcc-12-base',
      {
        licenseDeclared: 'NOASSERTION',
        licenseConcluded: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        downloadLocation: 'NOASSERTION',
      },
    ],
    [
      '@babel/code-frame',
      {
        SPDXID: spdxId('@babel/code-frame'),
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator: 'pkg:npm/%40babel/code-frame@7.24.7',
          },
        ],
        primaryPackagePurpose: 'LIBRARY',
      },
    ],
  ])('package %s', (name, expected) => {
    expect(byName(name)).toMatchObject(expected);
  });

  it('defines every LicenseRef it uses with the original text', () => {
    expect(doc.hasExtractedLicensingInfos).toEqual([
      { licenseId: 'LicenseRef-Dual-License', extractedText: 'Dual License', name: 'Dual License' },
    ]);
  });

  it('relates the root to every package by CONTAINS and mirrors dependsOn as DEPENDS_ON', () => {
    const contains = doc.relationships
      .filter((r) => r.relationshipType === 'CONTAINS')
      .map((r) => [r.spdxElementId, r.relatedSpdxElement]);
    expect(contains).toEqual([
      [SPDX_ROOT_ID, SPDX_OS_ID],
      ...DEBIAN_IMAGE.packages.map((p) => [SPDX_ROOT_ID, `SPDXRef-Package-${p.id}`]),
    ]);
    const dependsOn = doc.relationships
      .filter((r) => r.relationshipType === 'DEPENDS_ON')
      .map((r) => [r.spdxElementId, r.relatedSpdxElement]);
    expect(dependsOn).toEqual(
      DEBIAN_IMAGE.packages.flatMap((p) =>
        (p.dependsOn ?? []).map((d) => [`SPDXRef-Package-${p.id}`, `SPDXRef-Package-${d}`]),
      ),
    );
  });

  it('describes a directory scan as an OTHER package without a purl', () => {
    const d = toSpdx(RESULTS['alpine-rootfs'], WRITER_OPTS) as unknown as Doc;
    expect(d.packages[0]).toMatchObject({ name: '/srv/alpine-root', primaryPackagePurpose: 'OTHER' });
    expect(d.packages[0]).not.toHaveProperty('externalRefs');
    expect(d.packages[0]).not.toHaveProperty('versionInfo');
  });

  it.each([
    ['0123456789abcdef', '0123456789abcdef'],
    ['pkg:npm/@a/b@1', 'pkg-npm-a-b-1'],
    ['__', 'x'],
    ['ünïcode', 'n-code'],
  ])('sanitises %s into an SPDXID fragment', (input, expected) => {
    expect(sanitiseSpdxId(input)).toBe(expected);
  });

  it('keeps SPDXIDs unique when sanitised ids collide, and the document valid', () => {
    const base = DEBIAN_IMAGE.packages[0]!;
    const result: CatalogResult = {
      ...RESULTS.empty,
      packages: [
        { ...base, id: 'a/b', dependsOn: ['a_b'] },
        { ...base, id: 'a_b' },
      ],
    };
    const d = toSpdx(result, WRITER_OPTS) as unknown as Doc;
    expect(d.packages.map((p) => p.SPDXID)).toEqual([
      SPDX_ROOT_ID,
      'SPDXRef-Package-a-b',
      'SPDXRef-Package-a-b-2',
    ]);
    expect(d.relationships.at(-1)).toEqual({
      spdxElementId: 'SPDXRef-Package-a-b',
      relationshipType: 'DEPENDS_ON',
      relatedSpdxElement: 'SPDXRef-Package-a-b-2',
    });
    expect(validateSpdx(d).valid).toBe(true);
    expect(checkSpdxReferences(d)).toEqual([]);
  });
});
