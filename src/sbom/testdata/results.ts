/**
 * Catalog results for the writer tests, built in code from real package data: the Debian packages
 * are those of Debian 12 (names, versions, source packages, maintainers, dependencies as dpkg records
 * them), the language packages are real releases with the licenses their metadata declares.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import type { PackageType } from '../../core/package-types.js';
import type { CatalogResult, Location, Package } from '../../core/types.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const digest = (s: string) => `sha256:${sha(s)}`;

/** Base layer (debootstrap) and application layer (npm ci, jar, pip). */
export const BASE_LAYER = {
  index: 0,
  diffId: digest('layer-0-diff'),
  digest: digest('layer-0-blob'),
  size: 29_126_384,
  createdBy: '# debian.sh --arch amd64 out/ bookworm @1718841600',
};
export const APP_LAYER = {
  index: 1,
  diffId: digest('layer-1-diff'),
  digest: digest('layer-1-blob'),
  size: 4_213_991,
  createdBy: 'RUN /bin/sh -c npm ci --omit=dev && pip install --no-deps -r requirements.txt # buildkit',
};

interface Spec {
  type: PackageType;
  name: string;
  version: string;
  purl: string;
  foundBy: string;
  licenses?: string[];
  at: Location;
  source?: { name: string; version?: string };
  arch?: string;
  files?: string[];
  metadata?: Record<string, string>;
  deps?: string[];
}

/** Ids as the catalog derives them: 16 hex digits from purl and first location. */
function build(specs: Spec[]): Package[] {
  const idOf = new Map(specs.map((s) => [s.name, sha(`${s.purl}\n${s.at.path}`).slice(0, 16)]));
  return specs.map((s) => {
    const p: Package = {
      id: idOf.get(s.name)!,
      name: s.name,
      version: s.version,
      type: s.type,
      purl: s.purl,
      foundBy: s.foundBy,
      licenses: s.licenses ?? [],
      locations: [s.at],
    };
    if (s.source) p.source = s.source;
    if (s.arch) p.arch = s.arch;
    if (s.files) p.files = s.files;
    if (s.metadata) p.metadata = s.metadata;
    if (s.deps) p.dependsOn = s.deps.map((d) => idOf.get(d)!);
    return p;
  });
}

const deb = (name: string, version: string, extra: Partial<Spec>): Spec => ({
  type: 'deb',
  name,
  version,
  purl: new PackageURL(
    'deb',
    'debian',
    name,
    version,
    { arch: 'amd64', distro: 'debian-12' },
    undefined,
  ).toString(),
  foundBy: 'dpkg',
  at: { path: '/var/lib/dpkg/status', layerDiffId: BASE_LAYER.diffId, layerDigest: BASE_LAYER.digest },
  arch: 'amd64',
  source: { name, version },
  ...extra,
});

const inApp = (path: string): Location => ({
  path,
  layerDiffId: APP_LAYER.diffId,
  layerDigest: APP_LAYER.digest,
});

/** A Debian 12 image with OS packages, npm (scoped, with dependencies), Maven and PyPI packages. */
export const DEBIAN_IMAGE: CatalogResult = {
  artifact: {
    reference: 'docker://registry.example.com/shop/checkout:2.4.1',
    transport: 'docker',
    repository: 'registry.example.com/shop/checkout',
    tag: '2.4.1',
    digest: digest('manifest'),
    imageId: digest('config'),
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [BASE_LAYER, APP_LAYER],
    config: {
      user: 'node',
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
      cmd: ['node', 'server.js'],
      workingDir: '/app',
      exposedPorts: ['8080/tcp'],
      labels: { 'org.opencontainers.image.source': 'https://git.example.com/shop/checkout' },
    },
    created: '2025-06-20T10:11:12.123456789Z',
  },
  os: { id: 'debian', versionId: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  packages: build([
    deb('base-files', '12.4+deb12u11', {
      metadata: { maintainer: 'Santiago Vila <sanvila@debian.org>' },
      files: ['/etc/debian_version', '/etc/os-release', '/usr/lib/os-release'],
    }),
    deb('bash', '5.2.15-2+b8', {
      source: { name: 'bash', version: '5.2.15-2' },
      licenses: ['GPL-3.0-or-later'],
      metadata: { maintainer: 'Matthias Klose <doko@debian.org>' },
      files: ['/bin/bash', '/usr/bin/bashbug'],
      deps: ['base-files'],
    }),
    deb('gcc-12-base', '12.2.0-14+deb12u1', {
      source: { name: 'gcc-12', version: '12.2.0-14+deb12u1' },
      metadata: { maintainer: 'Debian GCC Maintainers <debian-gcc@lists.debian.org>' },
    }),
    deb('libc6', '2.36-9+deb12u14', {
      source: { name: 'glibc', version: '2.36-9+deb12u14' },
      licenses: ['LGPL-2.1-or-later', 'GPL-2.0-or-later'],
      metadata: { maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>' },
      files: ['/lib/x86_64-linux-gnu/libc.so.6'],
      deps: ['libgcc-s1'],
    }),
    deb('libgcc-s1', '12.2.0-14+deb12u1', {
      source: { name: 'gcc-12', version: '12.2.0-14+deb12u1' },
      licenses: ['GPL-3.0-or-later WITH GCC-exception-3.1'],
      metadata: { maintainer: 'Debian GCC Maintainers <debian-gcc@lists.debian.org>' },
      deps: ['gcc-12-base', 'libc6'],
    }),
    deb('zlib1g', '1:1.2.13.dfsg-1', {
      source: { name: 'zlib', version: '1:1.2.13.dfsg-1' },
      licenses: ['Zlib'],
      metadata: { maintainer: 'Mark Brown <broonie@debian.org>' },
      deps: ['libc6'],
    }),
    {
      type: 'npm',
      name: '@babel/code-frame',
      version: '7.24.7',
      purl: 'pkg:npm/%40babel/code-frame@7.24.7',
      foundBy: 'npm-installed',
      licenses: ['MIT'],
      at: inApp('/app/node_modules/@babel/code-frame/package.json'),
      deps: ['@babel/highlight', 'picocolors'],
    },
    {
      type: 'npm',
      name: '@babel/highlight',
      version: '7.24.7',
      purl: 'pkg:npm/%40babel/highlight@7.24.7',
      foundBy: 'npm-installed',
      licenses: ['MIT'],
      at: inApp('/app/node_modules/@babel/highlight/package.json'),
      deps: ['picocolors'],
    },
    {
      type: 'npm',
      name: 'picocolors',
      version: '1.0.1',
      purl: 'pkg:npm/picocolors@1.0.1',
      foundBy: 'npm-installed',
      licenses: ['ISC'],
      at: inApp('/app/node_modules/picocolors/package.json'),
    },
    {
      type: 'maven',
      name: 'org.apache.commons:commons-lang3',
      version: '3.14.0',
      purl: 'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
      foundBy: 'java-archive',
      licenses: ['Apache-2.0'],
      at: inApp('/app/lib/commons-lang3-3.14.0.jar'),
      metadata: { virtualPath: '/app/lib/commons-lang3-3.14.0.jar', source: 'pom.properties' },
    },
    {
      type: 'pypi',
      name: 'python-dateutil',
      version: '2.9.0.post0',
      purl: 'pkg:pypi/python-dateutil@2.9.0.post0',
      foundBy: 'python-installed',
      licenses: ['Dual License'],
      at: inApp('/usr/local/lib/python3.11/site-packages/python_dateutil-2.9.0.post0.dist-info/METADATA'),
    },
    {
      type: 'pypi',
      name: 'cryptography',
      version: '42.0.5',
      purl: 'pkg:pypi/cryptography@42.0.5',
      foundBy: 'python-installed',
      licenses: ['Apache-2.0 OR BSD-3-Clause'],
      at: inApp('/usr/local/lib/python3.11/site-packages/cryptography-42.0.5.dist-info/METADATA'),
    },
  ]),
  unknowns: [
    {
      path: '/app/node_modules/broken/package.json',
      layerDiffId: APP_LAYER.diffId,
      cataloger: 'npm-installed',
      reason: 'Unexpected token } in JSON at position 17',
    },
  ],
};

/** A directory scan of an Alpine root filesystem: no digest, no layers. */
export const ALPINE_ROOTFS: CatalogResult = {
  artifact: { reference: 'rootfs:/srv/alpine-root', transport: 'rootfs', layers: [] },
  os: { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' },
  packages: build([
    {
      type: 'apk',
      name: 'musl',
      version: '1.2.5-r0',
      purl: 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
      foundBy: 'apk',
      licenses: ['MIT'],
      at: { path: '/lib/apk/db/installed' },
      arch: 'x86_64',
      source: { name: 'musl' },
      metadata: { maintainer: 'Timo Teräs <timo.teras@iki.fi>' },
    },
    {
      type: 'apk',
      name: 'busybox',
      version: '1.36.1-r29',
      purl: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      foundBy: 'apk',
      licenses: ['GPL-2.0-only'],
      at: { path: '/lib/apk/db/installed' },
      arch: 'x86_64',
      source: { name: 'busybox' },
      metadata: { maintainer: 'Sören Tempel <soeren+alpine@soeren-tempel.net>' },
      deps: ['musl'],
    },
  ]),
  unknowns: [],
};

/** Nothing found at all. */
export const EMPTY_ROOTFS: CatalogResult = {
  artifact: { reference: 'rootfs:/empty', transport: 'rootfs', layers: [] },
  packages: [],
  unknowns: [],
};

/** Every fixture by name, for table-driven tests. */
export const RESULTS = {
  'debian-image': DEBIAN_IMAGE,
  'alpine-rootfs': ALPINE_ROOTFS,
  empty: EMPTY_ROOTFS,
} as const;

/** Fixed clock, serial and tool version so that golden files are stable. */
export const WRITER_OPTS = {
  toolVersion: '0.0.0-test',
  now: new Date('2026-01-02T03:04:05.678Z'),
  serial: '5f0c6a3e-2b1d-4c8e-9a7f-3e2d1c0b9a87',
} as const;

export const GOLDEN_DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'golden', 'sbom');

/** The golden text for `name`, rewritten from `actual` first when UPDATE_GOLDEN=1. */
export function golden(name: string, actual: string): string {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  else if (!existsSync(file))
    throw new Error(`Golden file "${name}" is missing: run the tests with UPDATE_GOLDEN=1 and review it`);
  return readFileSync(file, 'utf8');
}
