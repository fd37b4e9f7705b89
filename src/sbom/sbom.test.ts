/**
 * Golden files for every SBOM format, each validated against its official schema.
 * Regenerate with UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogResult, Package } from '../core/types.js';
import { SBOM_FORMATS } from '../report/formats.js';
import { validateJsonReport } from '../report/validate.js';
import { validateCycloneDx, validateSpdx } from './validate.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'test', 'golden', 'sbom');
const L0 = 'sha256:' + '1'.repeat(64);
const L1 = 'sha256:' + '2'.repeat(64);

function pkg(p: Partial<Package> & Pick<Package, 'id' | 'name' | 'version' | 'type' | 'purl'>): Package {
  return { foundBy: 'test', licenses: [], locations: [{ path: '/x', layerDiffId: L0 }], ...p };
}

export const SAMPLE: CatalogResult = {
  artifact: {
    reference: 'docker://registry.example.com/team/app:1.0',
    transport: 'docker',
    repository: 'registry.example.com/team/app',
    tag: '1.0',
    digest: 'sha256:' + 'a'.repeat(64),
    imageId: 'sha256:' + 'b'.repeat(64),
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [
      { index: 0, diffId: L0, digest: 'sha256:' + 'c'.repeat(64), createdBy: 'debootstrap' },
      { index: 1, diffId: L1, digest: 'sha256:' + 'd'.repeat(64), createdBy: 'npm ci' },
    ],
    config: { user: 'app', exposedPorts: ['8080/tcp'] },
  },
  os: { id: 'debian', versionId: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  packages: [
    pkg({ id: '0000000000000001', name: 'libc6', version: '2.36-9+deb12u4', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12', foundBy: 'dpkg', licenses: ['LGPL-2.1-or-later', 'GPL-2.0-or-later'], locations: [{ path: '/var/lib/dpkg/status', layerDiffId: L0 }], source: { name: 'glibc', version: '2.36-9+deb12u4' }, arch: 'amd64' }),
    pkg({ id: '0000000000000002', name: 'bash', version: '5.2.15-2+b2', type: 'deb', purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12', foundBy: 'dpkg', licenses: ['GPL-3.0-or-later'], locations: [{ path: '/var/lib/dpkg/status', layerDiffId: L0 }], source: { name: 'bash', version: '5.2.15-2' }, arch: 'amd64', dependsOn: ['0000000000000001'] }),
    pkg({ id: '0000000000000003', name: '@sindresorhus/is', version: '4.6.0', type: 'npm', purl: 'pkg:npm/%40sindresorhus/is@4.6.0', foundBy: 'npm-installed', licenses: ['MIT'], locations: [{ path: '/app/node_modules/@sindresorhus/is/package.json', layerDiffId: L1 }] }),
    pkg({ id: '0000000000000004', name: 'debug', version: '4.3.4', type: 'npm', purl: 'pkg:npm/debug@4.3.4', foundBy: 'npm-installed', licenses: ['MIT'], locations: [{ path: '/app/node_modules/debug/package.json', layerDiffId: L1 }], dependsOn: ['0000000000000005'] }),
    pkg({ id: '0000000000000005', name: 'ms', version: '2.1.2', type: 'npm', purl: 'pkg:npm/ms@2.1.2', foundBy: 'npm-installed', licenses: ['MIT'], locations: [{ path: '/app/node_modules/debug/node_modules/ms/package.json', layerDiffId: L1 }] }),
    pkg({ id: '0000000000000006', name: 'org.apache.commons:commons-lang3', version: '3.12.0', type: 'maven', purl: 'pkg:maven/org.apache.commons/commons-lang3@3.12.0', foundBy: 'java-archive', licenses: ['Apache-2.0'], locations: [{ path: '/usr/share/java/commons-lang3.jar', layerDiffId: L1 }] }),
    pkg({ id: '0000000000000007', name: 'requests', version: '2.28.1', type: 'pypi', purl: 'pkg:pypi/requests@2.28.1', foundBy: 'python-installed', licenses: ['Apache 2.0 with some exceptions'], locations: [{ path: '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info', layerDiffId: L1 }] }),
    pkg({ id: '0000000000000008', name: 'golang.org/x/net', version: 'v0.17.0', type: 'golang', purl: 'pkg:golang/golang.org/x/net@v0.17.0', foundBy: 'go-binary', licenses: ['MIT OR Apache-2.0'], locations: [{ path: '/usr/local/bin/hello', layerDiffId: L1 }] }),
  ],
  unknowns: [{ path: '/app/broken/package.json', cataloger: 'npm-installed', reason: 'not JSON', layerDiffId: L1 }],
};

const OPTS = { toolVersion: '0.0.0-test', now: new Date('2026-01-02T03:04:05.678Z'), serial: '00000000-0000-4000-8000-000000000000', color: false, width: 120 };
const EMPTY: CatalogResult = { artifact: { reference: 'rootfs:/empty', transport: 'rootfs', layers: [] }, packages: [], unknowns: [] };

function golden(name: string, text: string): string {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  return readFileSync(file, 'utf8');
}

describe('SBOM formats', () => {
  it.each(Object.keys(SBOM_FORMATS))('%s matches its golden file', (id) => {
    const text = SBOM_FORMATS[id as keyof typeof SBOM_FORMATS].render(SAMPLE, OPTS);
    const ext = id === 'table' ? 'txt' : 'json';
    expect(text).toBe(golden(`sample.${id}.${ext}`, text));
  });

  it('CycloneDX golden validates against the CycloneDX 1.6 schema', () => {
    const doc = JSON.parse(readFileSync(join(GOLDEN, 'sample.cyclonedx.json'), 'utf8'));
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.components.find((c: { name: string }) => c.name === 'is')).toMatchObject({ group: '@sindresorhus', purl: 'pkg:npm/%40sindresorhus/is@4.6.0' });
    expect(doc.components.find((c: { name: string }) => c.name === 'net').licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(doc.components.find((c: { name: string }) => c.name === 'requests').licenses).toEqual([{ license: { name: 'Apache 2.0 with some exceptions' } }]);
  });

  it('SPDX golden validates against the SPDX 2.3 schema', () => {
    const doc = JSON.parse(readFileSync(join(GOLDEN, 'sample.spdx-json.json'), 'utf8'));
    expect(validateSpdx(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.hasExtractedLicensingInfos).toHaveLength(1);
    expect(doc.relationships).toContainEqual(expect.objectContaining({ relationshipType: 'DEPENDS_ON' }));
  });

  it.each([
    ['cyclonedx', validateCycloneDx],
    ['spdx-json', validateSpdx],
  ] as const)('%s of an empty result validates', (id, validate) => {
    expect(validate(JSON.parse(SBOM_FORMATS[id].render(EMPTY, OPTS))).valid).toBe(true);
  });

  it('the validators reject broken documents', () => {
    const cdx = JSON.parse(SBOM_FORMATS.cyclonedx.render(SAMPLE, OPTS));
    cdx.components[1].type = 'gadget';
    expect(validateCycloneDx(cdx).valid).toBe(false);
    const spdx = JSON.parse(SBOM_FORMATS['spdx-json'].render(SAMPLE, OPTS));
    delete spdx.creationInfo;
    const res = validateSpdx(spdx);
    expect(res.valid).toBe(false);
    expect(res.errors.join()).toMatch(/creationInfo/);
  });
});

describe('JSON report schema', () => {
  it('the golden report validates and a broken one does not', () => {
    const doc = JSON.parse(readFileSync(join(GOLDEN, 'sample.json.json'), 'utf8'));
    expect(validateJsonReport(doc)).toEqual({ valid: true, errors: [] });
    doc.packages[0].type = 'exe';
    expect(validateJsonReport(doc).valid).toBe(false);
  });
});
