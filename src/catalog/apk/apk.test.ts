/**
 * apk cataloger over an installed database written by hand after the documented format
 * (https://wiki.alpinelinux.org/wiki/Apk_spec): apk-tools is not packaged for Debian, so no real
 * database can be produced here. Package names, versions and fields follow Alpine 3.20.3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { apkCataloger, apkDependencyName, apkLicenses, parseApkInstalled } from './cataloger.js';

const DB = readFileSync(new URL('./testdata/installed', import.meta.url));
const INSTALLED = 'lib/apk/db/installed';
const ALPINE = { path: 'etc/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' };

describe('apk installed database', () => {
  const records = parseApkInstalled(DB.toString('utf8'));

  it('parses every record with its fields', () => {
    expect(records.map((r) => `${r.name} ${r.version} ${r.arch} ${r.origin}`)).toEqual([
      'musl 1.2.5-r0 x86_64 musl',
      'busybox 1.36.1-r29 x86_64 busybox',
      'busybox-binsh 1.36.1-r29 x86_64 busybox',
      'zlib 1.3.1-r1 x86_64 zlib',
      'libcrypto3 3.3.2-r0 x86_64 openssl',
      'ssl_client 1.36.1-r29 x86_64 busybox',
      'alpine-baselayout 3.6.5-r0 x86_64 alpine-baselayout',
    ]);
    expect(records[1]!.files).toEqual(['/bin/busybox', '/etc/securetty', '/usr/share/udhcpc/default.script']);
    expect(records[2]!.provides).toEqual(['/bin/sh', 'cmd:sh=1.36.1-r29']);
    expect(records[5]!.depends).toEqual(['so:libc.musl-x86_64.so.1', 'so:libcrypto.so.3', 'so:libssl.so.3']);
    expect(records[0]!.maintainer).toBe('Timo Teräs <timo.teras@iki.fi>');
  });

  it('a record at the end of the file without a blank line, CRLF, and records missing P or V', () => {
    expect(parseApkInstalled('P:a\r\nV:1-r0\r\nR:x\r\n\r\nV:2\n\nP:b\nV:3-r1').map((r) => [r.name, r.version, r.files])).toEqual([
      ['a', '1-r0', ['/x']],
      ['b', '3-r1', []],
    ]);
  });

  it.each([
    ['so:libc.musl-x86_64.so.1', 'so:libc.musl-x86_64.so.1'],
    ['busybox=1.36.1-r29', 'busybox'],
    ['openssl>=3.3', 'openssl'],
    ['musl~1.2', 'musl'],
    ['/bin/sh', '/bin/sh'],
    ['!apk-tools-doc', undefined],
  ])('apkDependencyName(%j) = %j', (d, name) => {
    expect(apkDependencyName(d)).toBe(name);
  });

  it.each([
    ['MIT', ['MIT']],
    ['GPL-2.0-or-later AND MIT', ['GPL-2.0-or-later AND MIT']],
    ['MIT BSD-3-Clause', ['MIT', 'BSD-3-Clause']],
    [undefined, []],
  ])('apkLicenses(%j)', (l, expected) => {
    expect(apkLicenses(l)).toEqual(expected);
  });

  it('assembles purls, sources, licenses, files and dependency edges', () => {
    const r = runCatalogers([[ALPINE, { path: INSTALLED, content: DB }]], [apkCataloger]);
    expect(r.unknowns).toEqual([]);
    const by = (n: string) => r.packages.find((p) => p.name === n)!;
    expect(r.packages.map((p) => p.purl)).toEqual([
      'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/zlib@1.3.1-r1?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/alpine-baselayout@3.6.5-r0?arch=x86_64&distro=alpine-3.20.3',
    ]);
    expect(by('libcrypto3')).toMatchObject({ source: { name: 'openssl', version: '3.3.2-r0' }, licenses: ['Apache-2.0'], arch: 'x86_64', files: ['/lib/libcrypto.so.3'] });
    expect(by('libcrypto3').metadata).toEqual({ maintainer: 'Ariadne Conill <ariadne@dereferenced.org>' });
    expect(by('musl').locations).toEqual([{ path: '/lib/apk/db/installed', layerDiffId: `sha256:${'0'.repeat(64)}` }]);
    // shared objects (so:), exact names (busybox=…) and file paths (/bin/sh) resolve; missing ones do not.
    expect(by('ssl_client').dependsOn).toEqual([by('musl').id, by('libcrypto3').id]);
    expect(by('busybox-binsh').dependsOn).toEqual([by('busybox').id]);
    expect(by('alpine-baselayout').dependsOn).toEqual([by('busybox-binsh').id]);
    expect(by('musl').dependsOn).toBeUndefined();
  });

  it('uses the os id as namespace (wolfi)', () => {
    const r = runCatalogers([[{ path: 'etc/os-release', content: 'ID=wolfi\nVERSION_ID=20230201\n' }, { path: INSTALLED, content: 'P:glibc\nV:2.40-r3\nA:aarch64\n' }]], [apkCataloger]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:apk/wolfi/glibc@2.40-r3?arch=aarch64&distro=wolfi-20230201']);
  });

  it('attributes packages to the layer since which they are present with the same version', () => {
    const upgraded = DB.toString('utf8').replace('V:3.3.2-r0', 'V:3.3.2-r1');
    const r = runCatalogers(
      [
        [ALPINE, { path: INSTALLED, content: DB }],
        [{ path: INSTALLED, content: `${upgraded}\nP:curl\nV:8.10.1-r0\nA:x86_64\nD:so:libcrypto.so.3\n` }],
      ],
      [apkCataloger],
    );
    const layer = (n: string) => r.packages.find((p) => p.name === n)!.locations[0]!.layerDiffId!.slice(-1);
    expect([layer('musl'), layer('libcrypto3'), layer('curl')]).toEqual(['0', '1', '1']);
    const gone = runCatalogers([[ALPINE, { path: INSTALLED, content: DB }], [{ path: 'lib/apk/db', whiteout: true }]], [apkCataloger]);
    expect(gone.packages).toEqual([]);
  });

  it.each([
    ['lib/apk/db/installed', true],
    ['lib/apk/db/installed.new', false],
    ['usr/lib/apk/db/installed', false],
  ])('wants(%s) = %s', (path, wanted) => {
    expect(apkCataloger.wants({ path, size: 10, mode: 0o100644 })).toBe(wanted);
  });
});
