/** CycloneDX 1.6 writer: golden files validated against the official schema, and the mapping rules. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import { CYCLONEDX_OS_REF, CYCLONEDX_ROOT_REF, toCycloneDx } from './cyclonedx.js';
import { DEBIAN_IMAGE, golden, RESULTS, WRITER_OPTS } from './testdata/results.js';
import { checkCycloneDxReferences, validateCycloneDx } from './validate.js';

type Component = {
  type: string;
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  purl?: string;
  licenses?: unknown[];
  supplier?: unknown;
  properties?: { name: string; value: string }[];
};
type Doc = {
  metadata: { component: Component; timestamp: string };
  components: Component[];
  dependencies: { ref: string; dependsOn: string[] }[];
  compositions?: unknown[];
  serialNumber: string;
};

const render = (r: CatalogResult) => JSON.stringify(toCycloneDx(r, WRITER_OPTS), null, 2) + '\n';
const doc = toCycloneDx(DEBIAN_IMAGE, WRITER_OPTS) as unknown as Doc;
const byName = (name: string) => doc.components.find((c) => c.name === name)!;
const props = (c: Component) => Object.fromEntries((c.properties ?? []).map((p) => [p.name, p.value]));

describe('toCycloneDx', () => {
  it.each(Object.entries(RESULTS))(
    '%s matches its golden file, which validates against the CycloneDX 1.6 schema',
    (name, result) => {
      const text = render(result);
      const expected = golden(`${name}.cdx.json`, text);
      expect(text).toBe(expected);
      const parsed = JSON.parse(expected);
      expect(validateCycloneDx(parsed)).toEqual({ valid: true, errors: [] });
      expect(checkCycloneDxReferences(parsed)).toEqual([]);
    },
  );

  it('describes the image as a container with an oci purl and the OS as an operating-system component', () => {
    expect(doc.metadata.component).toMatchObject({
      type: 'container',
      'bom-ref': CYCLONEDX_ROOT_REF,
      name: 'registry.example.com/shop/checkout',
      version: DEBIAN_IMAGE.artifact.digest,
      purl: `pkg:oci/checkout@sha256%3A${DEBIAN_IMAGE.artifact.digest!.slice(7)}?arch=amd64&repository_url=registry.example.com/shop/checkout&tag=2.4.1`,
    });
    expect(doc.components[0]).toEqual({
      type: 'operating-system',
      'bom-ref': CYCLONEDX_OS_REF,
      name: 'debian',
      version: '12',
      description: 'Debian GNU/Linux 12 (bookworm)',
      properties: [{ name: 'portcullis:os:codename', value: 'bookworm' }],
    });
    expect(doc.metadata.timestamp).toBe('2026-01-02T03:04:05Z');
    expect(doc.serialNumber).toBe(`urn:uuid:${WRITER_OPTS.serial}`);
  });

  it('describes a directory scan as a file component without a purl', () => {
    const d = toCycloneDx(RESULTS['alpine-rootfs'], WRITER_OPTS) as unknown as Doc;
    expect(d.metadata.component).toMatchObject({ type: 'file', name: '/srv/alpine-root' });
    expect(d.metadata.component).not.toHaveProperty('purl');
    expect(d.metadata.component).not.toHaveProperty('version');
  });

  it('writes every package as a library whose bom-ref is the package id', () => {
    expect(doc.components.slice(1).map((c) => [c.type, c['bom-ref'], c.purl])).toEqual(
      DEBIAN_IMAGE.packages.map((p) => ['library', p.id, p.purl]),
    );
  });

  it.each([
    [
      'code-frame',
      { group: '@babel', name: 'code-frame', version: '7.24.7', purl: 'pkg:npm/%40babel/code-frame@7.24.7' },
    ],
    ['commons-lang3', { group: 'org.apache.commons', name: 'commons-lang3', version: '3.14.0' }],
    [
      'libc6',
      {
        name: 'libc6',
        version: '2.36-9+deb12u14',
        supplier: { name: 'GNU Libc Maintainers', contact: [{ email: 'debian-glibc@lists.debian.org' }] },
      },
    ],
  ])('splits group and name, and records the supplier: %s', (name, expected) => {
    expect(byName(name)).toMatchObject(expected);
    if (!('group' in expected)) expect(byName(name)).not.toHaveProperty('group');
  });

  it.each([
    ['libc6', [{ license: { id: 'LGPL-2.1-or-later' } }, { license: { id: 'GPL-2.0-or-later' } }]],
    ['libgcc-s1', [{ expression: 'GPL-3.0-or-later WITH GCC-exception-3.1' }]],
    ['cryptography', [{ expression: 'Apache-2.0 OR BSD-3-Clause' }]],
    ['python-dateutil', [{ license: { name: 'Dual License' } }]],
    ['gcc-12-base', undefined],
  ])('licenses of %s', (name, expected) => {
    expect(byName(name).licenses).toEqual(expected);
  });

  it('carries layer, location, foundBy and source as portcullis: properties', () => {
    expect(props(byName('bash'))).toEqual({
      'portcullis:package:type': 'deb',
      'portcullis:package:foundBy': 'dpkg',
      'portcullis:location:0:path': '/var/lib/dpkg/status',
      'portcullis:location:0:layerDiffID': DEBIAN_IMAGE.artifact.layers[0]!.diffId,
      'portcullis:location:0:layerDigest': DEBIAN_IMAGE.artifact.layers[0]!.digest,
      'portcullis:package:sourceName': 'bash',
      'portcullis:package:sourceVersion': '5.2.15-2',
      'portcullis:package:arch': 'amd64',
      'portcullis:metadata:maintainer': 'Matthias Klose <doko@debian.org>',
    });
    expect(props(doc.metadata.component)).toMatchObject({
      'portcullis:image:layer:1:diffID': DEBIAN_IMAGE.artifact.layers[1]!.diffId,
      'portcullis:unknowns': '1',
    });
    expect(doc.compositions).toEqual([{ aggregate: 'incomplete', assemblies: [CYCLONEDX_ROOT_REF] }]);
  });

  it('lists every component exactly once in dependencies, with the edges of dependsOn', () => {
    const refs = doc.dependencies.map((d) => d.ref);
    expect(refs).toEqual([CYCLONEDX_ROOT_REF, CYCLONEDX_OS_REF, ...DEBIAN_IMAGE.packages.map((p) => p.id)]);
    for (const p of DEBIAN_IMAGE.packages)
      expect(doc.dependencies.find((d) => d.ref === p.id)!.dependsOn).toEqual(p.dependsOn ?? []);
    const id = (name: string) => DEBIAN_IMAGE.packages.find((p) => p.name === name)!.id;
    // Roots: OS packages nothing depends on hang under the OS, the rest under the image.
    expect(doc.dependencies[1]!.dependsOn).toEqual([id('bash'), id('zlib1g')]);
    expect(doc.dependencies[0]!.dependsOn).toEqual([
      CYCLONEDX_OS_REF,
      id('@babel/code-frame'),
      id('org.apache.commons:commons-lang3'),
      id('python-dateutil'),
      id('cryptography'),
    ]);
  });

  it('never emits a package twice, nor edges to packages that are not in the result', () => {
    const p = DEBIAN_IMAGE.packages[1]!;
    const broken: CatalogResult = {
      ...DEBIAN_IMAGE,
      packages: [
        ...DEBIAN_IMAGE.packages,
        { ...p, dependsOn: [...(p.dependsOn ?? []), 'ffffffffffffffff', p.id] },
      ],
    };
    const d = toCycloneDx(broken, WRITER_OPTS) as unknown as Doc;
    expect(d.components.filter((c) => c['bom-ref'] === p.id)).toHaveLength(1);
    expect(validateCycloneDx(d).valid).toBe(true);
    expect(checkCycloneDxReferences(d)).toEqual([]);
  });

  it('defaults to the current time and a random serial, and refuses a serial that is not a UUID', () => {
    const a = toCycloneDx(RESULTS.empty, { toolVersion: '1' }) as unknown as Doc;
    const b = toCycloneDx(RESULTS.empty, { toolVersion: '1' }) as unknown as Doc;
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(validateCycloneDx(a).valid).toBe(true);
    expect(() => toCycloneDx(RESULTS.empty, { toolVersion: '1', serial: 'not-a-uuid' })).toThrowCode('USAGE', 'not-a-uuid');
  });
});
