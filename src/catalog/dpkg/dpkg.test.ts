/**
 * dpkg cataloger: exactness against `dpkg-query` on this machine's own database (read directly)
 * and on a copy with hand-added stanzas in every dpkg state (`--admindir`), plus hand-written
 * multi-layer cases for layer attribution and whiteouts of distroless `status.d` entries.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { afterAll, describe, expect, it } from 'vitest';
import { runCatalogers, type TestFile } from '../testing.js';
import { dpkgCataloger, MAX_COPYRIGHT_SIZE } from './cataloger.js';
import { dep5ToSpdx } from './dep5-license.js';
import { osPackagePurl } from './purl.js';
import { isListedByDpkg, parseControl, parseCopyrightLicenses, parseRelations, parseSource } from './parse-control.js';
import { command, describeWith, file } from '../../../test/support/oracles.js';

const ADMIN = '/var/lib/dpkg';
const DPKG = [file(join(ADMIN, 'status'), 'dpkg'), command('dpkg-query', 'dpkg')];
const hasDpkg = DPKG.every((n) => n.ok);
const DEBIAN_12 = { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' };

function dpkgQuery(format: string, admindir?: string): string[] {
  const args = [...(admindir ? ['--admindir', admindir] : []), '-W', '-f', format];
  return execFileSync('dpkg-query', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 })
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** The dpkg database of `admin` as image files: status, info/*.list and DEP-5 copyrights. */
function machineFiles(admin: string, withDocs: boolean): TestFile[] {
  const files: TestFile[] = [DEBIAN_12, { path: 'var/lib/dpkg/status', content: readFileSync(join(admin, 'status')) }];
  const info = join(admin, 'info');
  if (existsSync(info)) {
    for (const f of readdirSync(info)) if (f.endsWith('.list')) files.push({ path: `var/lib/dpkg/info/${f}`, content: readFileSync(join(info, f)) });
  }
  if (withDocs) {
    for (const d of readdirSync('/usr/share/doc')) {
      const p = join('/usr/share/doc', d, 'copyright');
      try {
        const st = statSync(p);
        if (st.isFile() && st.size <= MAX_COPYRIGHT_SIZE) files.push({ path: `usr/share/doc/${d}/copyright`, content: readFileSync(p) });
      } catch {
        // no copyright file in this doc directory
      }
    }
  }
  return files;
}

describeWith(DPKG, "this machine's dpkg database against dpkg-query", () => {
  const result = hasDpkg ? runCatalogers([machineFiles(ADMIN, true)], [dpkgCataloger]) : undefined;
  const pkgs = result?.packages ?? [];

  it('lists exactly the packages dpkg-query -W lists, with full versions', () => {
    expect(pkgs.length).toBeGreaterThan(50);
    const ours = pkgs.map((p) => `${p.name} ${p.version}`).sort();
    expect(ours).toEqual(dpkgQuery('${Package} ${Version}\n'));
  });

  it('agrees on architecture, source package and source version, and maintainer', () => {
    const ours = pkgs.map((p) => [p.name, p.arch, p.version, p.source?.name, p.source?.version, p.metadata?.maintainer].join('\t')).sort();
    expect(ours).toEqual(dpkgQuery('${Package}\t${Architecture}\t${Version}\t${source:Package}\t${source:Version}\t${Maintainer}\n'));
  });

  it('owned files equal dpkg-query -L, including multi-arch list names', () => {
    const sample = pkgs.filter((p) => ['bash', 'libc6', 'coreutils', 'dpkg', 'tar'].includes(p.name));
    expect(sample.length).toBeGreaterThanOrEqual(4);
    for (const p of sample) {
      const listed = execFileSync('dpkg-query', ['-L', `${p.name}:${p.arch}`], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.startsWith('/') && l !== '/.');
      expect(p.files, p.name).toEqual(listed);
    }
    expect(pkgs.filter((p) => p.files && p.files.length > 0).length).toBe(pkgs.length);
  });

  it('builds purls and dependency edges over the real database', () => {
    const bash = pkgs.find((p) => p.name === 'bash')!;
    expect(bash.purl).toBe(`pkg:deb/debian/bash@${encodeURIComponent(bash.version).replace(/%3A/g, ':')}?arch=${bash.arch}&distro=debian-12`);
    expect(bash.locations).toEqual([{ path: '/var/lib/dpkg/status', layerDiffId: `sha256:${'0'.repeat(64)}` }]);
    // bash Pre-Depends on libc6 (through its name) and Depends on base-files and debianutils.
    const names = new Map(pkgs.map((p) => [p.id, p.name]));
    const deps = (bash.dependsOn ?? []).map((id) => names.get(id));
    expect(deps).toEqual(expect.arrayContaining(['libc6', 'base-files', 'debianutils']));
    // every edge points at a package in the result
    for (const p of pkgs) for (const d of p.dependsOn ?? []) expect(names.has(d)).toBe(true);
  });

  it('reads licenses from machine-readable copyright files only', () => {
    const tar = pkgs.find((p) => p.name === 'tar');
    if (tar) expect(tar.licenses).toEqual(expect.arrayContaining(['GPL-3.0-or-later', 'GPL-2.0-or-later']));
    const zlib = pkgs.find((p) => p.name === 'zlib1g');
    if (zlib) expect(zlib.licenses).toEqual(['Zlib']);
    const libc = pkgs.find((p) => p.name === 'libc6')!;
    // libc6's copyright is free-form: no licenses guessed.
    expect(readFileSync('/usr/share/doc/libc6/copyright', 'utf8').startsWith('Format:')).toBe(false);
    expect(libc.licenses).toEqual([]);
  });
});

describeWith(DPKG, 'a copy of the database with stanzas in every dpkg state (--admindir)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-dpkg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const extra = [
    ['zz-installed', 'install ok installed', '1:2.0~rc1-3+deb12u1', 'amd64', 'Source: zz-src (1:2.0~rc1-3)'],
    ['zz-config-files', 'deinstall ok config-files', '2.0-1', 'amd64', ''],
    ['zz-purged', 'purge ok not-installed', '', 'amd64', ''],
    ['zz-not-installed-with-version', 'deinstall ok not-installed', '7.0', 'all', ''],
    ['zz-half-configured', 'install ok half-configured', '3.0', 'all', ''],
    ['zz-unpacked', 'install ok unpacked', '4.0', 'all', ''],
    ['zz-half-installed', 'install reinstreq half-installed', '5.0', 'all', ''],
    ['zz-triggers-pending', 'install ok triggers-pending', '6.0', 'all', 'Triggers-Pending: zz-trigger'],
    ['zz-triggers-awaited', 'install ok triggers-awaited', '6.1', 'all', 'Triggers-Awaited: zz-triggers-pending'],
    ['zz-held', 'hold ok installed', '8.0', 'amd64', 'Multi-Arch: same'],
    ['zz-held', 'install ok installed', '8.0', 'i386', 'Multi-Arch: same'],
  ];
  const stanzas = extra
    .map(([name, status, version, arch, more]) =>
      [`Package: ${name}`, `Status: ${status}`, 'Maintainer: Test <test@example.org>', `Architecture: ${arch}`, version ? `Version: ${version}` : '', more, 'Description: test'].filter(Boolean).join('\n'),
    )
    .join('\n\n');
  const status = `${readFileSync(join(ADMIN, 'status'), 'utf8').trimEnd()}\n\n${stanzas}\n`;
  mkdirSync(join(dir, 'updates'));
  mkdirSync(join(dir, 'info'));
  writeFileSync(join(dir, 'status'), status);
  writeFileSync(join(dir, 'available'), '');

  it('reports exactly what dpkg-query --admindir -W lists', () => {
    const r = runCatalogers([[DEBIAN_12, { path: 'var/lib/dpkg/status', content: status }]], [dpkgCataloger]);
    const ours = r.packages.map((p) => `${p.name}:${p.arch} ${p.version}`).sort();
    expect(ours).toEqual(dpkgQuery('${Package}:${Architecture} ${Version}\n', dir));
    const names = new Set(r.packages.map((p) => p.name));
    expect(names.has('zz-config-files') && names.has('zz-half-installed') && names.has('zz-triggers-awaited')).toBe(true);
    expect(names.has('zz-purged') || names.has('zz-not-installed-with-version')).toBe(false);
    const zz = r.packages.find((p) => p.name === 'zz-installed')!;
    expect(zz.source).toEqual({ name: 'zz-src', version: '1:2.0~rc1-3' });
    // ':' is never percent-encoded in a purl; '+' and '~' are per the purl spec.
    expect(zz.purl).toBe('pkg:deb/debian/zz-installed@1:2.0~rc1-3%2Bdeb12u1?arch=amd64&distro=debian-12');
    expect(r.packages.find((p) => p.name === 'zz-config-files')!.metadata).toEqual({ maintainer: 'Test <test@example.org>', status: 'deinstall ok config-files' });
    expect(zz.metadata).toEqual({ maintainer: 'Test <test@example.org>' });
    expect(r.packages.filter((p) => p.name === 'zz-held').map((p) => p.purl)).toEqual([
      'pkg:deb/debian/zz-held@8.0?arch=amd64&distro=debian-12',
      'pkg:deb/debian/zz-held@8.0?arch=i386&distro=debian-12',
    ]);
  });
});

describe('control and relationship parsing', () => {
  it.each([
    ['libc6 (>= 2.34)', [[{ name: 'libc6' }]]],
    ['perl:any, python3 (>= 3.11~) | python3-minimal:native', [[{ name: 'perl', archQualifier: 'any' }], [{ name: 'python3' }, { name: 'python3-minimal', archQualifier: 'native' }]]],
    ['foo [amd64], bar <!nocheck>', [[{ name: 'foo' }], [{ name: 'bar' }]]],
    ['', []],
  ])('parseRelations(%j)', (field, expected) => {
    expect(parseRelations(field)).toEqual(expected);
  });

  it.each([
    ['glibc (2.36-9+deb12u4)', { name: 'glibc', version: '2.36-9+deb12u4' }],
    ['gcc-12', { name: 'gcc-12' }],
    [undefined, undefined],
  ])('parseSource(%j)', (field, expected) => {
    expect(parseSource(field)).toEqual(expected);
  });

  it('folds continuation lines of relationship fields only and ignores comments', () => {
    const [s] = parseControl('Package: a\nStatus: install ok installed\nDepends: b,\n c (>= 1)\nDescription: x\n Depends: not-a-field\n#Package: comment\nVersion: 1\n');
    expect(s).toEqual({ package: 'a', status: 'install ok installed', depends: 'b, c (>= 1)', version: '1' });
  });

  it.each([
    ['install ok installed', true],
    ['deinstall ok config-files', true],
    ['install ok half-configured', true],
    ['purge ok not-installed', false],
    [undefined, true],
  ])('isListedByDpkg(Status: %s) = %s', (status, listed) => {
    expect(isListedByDpkg({ package: 'x', ...(status ? { status } : {}) })).toBe(listed);
  });
});

describe('DEP-5 licenses', () => {
  it.each([
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2', 'GPL-2.0-only'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['GPL-3+ with Bison exception', 'GPL-3.0-or-later WITH Bison-exception-2.2'],
    ['GPL-2+ with OpenSSL exception', 'GPL-2+ with OpenSSL exception'],
    ['BSD-3-clause or GPL-2', 'BSD-3-Clause OR GPL-2.0-only'],
    ['Artistic or GPL-1+', 'Artistic-1.0-Perl OR GPL-1.0-or-later'],
    ['GPL-3+ and BSD-4-clause-UC', 'GPL-3.0-or-later AND BSD-4-Clause-UC'],
    ['GPL-2+ or Artistic, and BSD-3-clause', '(GPL-2.0-or-later OR Artistic-1.0-Perl) AND BSD-3-Clause'],
    ['GFDL-NIV-1.3+', 'GFDL-1.3-no-invariants-or-later'],
    ['Expat', 'MIT'],
    ['zlib', 'Zlib'],
    ['Apache-2.0', 'Apache-2.0'],
    ['CC-BY-SA-3.0', 'CC-BY-SA-3.0'],
    ['public-domain', 'public-domain'],
    ['BSD-4-clause-UC and MIT-like', 'BSD-4-clause-UC and MIT-like'],
  ])('dep5ToSpdx(%j) = %j', (raw, expected) => {
    expect(dep5ToSpdx(raw)).toBe(expected);
  });

  it('takes License fields only from machine-readable files', () => {
    const dep5 = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\nFiles: *\nCopyright: 2020 A\nLicense: GPL-2+\n\nFiles: lib/*\nLicense: Expat\n\nLicense: GPL-2+\n On Debian systems, see /usr/share/common-licenses/GPL-2.\n';
    expect(parseCopyrightLicenses(dep5)).toEqual(['GPL-2+', 'Expat']);
    expect(parseCopyrightLicenses('This is Debian prepackaged.\nLicense: GPL\n')).toEqual([]);
  });
});

/** A status stanza as dpkg writes it. */
function stanza(name: string, version: string, more = ''): string {
  return `Package: ${name}\nStatus: install ok installed\nMaintainer: M <m@example.org>\nArchitecture: amd64\nVersion: ${version}\n${more}Description: ${name}\n`;
}
const db = (...stanzas: string[]) => stanzas.join('\n');
const STATUS = 'var/lib/dpkg/status';

describe('layer attribution and whiteouts', () => {
  const layerOf = (r: ReturnType<typeof runCatalogers>, name: string) => {
    const p = r.packages.find((x) => x.name === name);
    return p ? Number(p.locations[0]!.layerDiffId!.slice(-1)) : undefined;
  };

  it.each([
    {
      name: 'a package keeps the layer that installed it when later layers rewrite status',
      layers: [[stanza('a', '1.0'), stanza('b', '1.0')], [stanza('a', '1.0'), stanza('b', '2.0'), stanza('c', '1.0')], [stanza('a', '1.0'), stanza('b', '2.0'), stanza('c', '1.0'), stanza('d', '1')]],
      expected: { a: 0, b: 1, c: 1, d: 2 },
    },
    {
      name: 'a downgrade back to an older version counts from the layer that did it',
      layers: [[stanza('a', '1.0')], [stanza('a', '2.0')], [stanza('a', '1.0')]],
      expected: { a: 2 },
    },
    {
      name: 'a package removed and reinstalled counts from the reinstall',
      layers: [[stanza('a', '1.0'), stanza('b', '1')], [stanza('b', '1')], [stanza('a', '1.0'), stanza('b', '1')]],
      expected: { a: 2, b: 0 },
    },
  ])('$name', ({ layers, expected }) => {
    const r = runCatalogers(
      layers.map((l) => [{ path: STATUS, content: db(...l) }]),
      [dpkgCataloger],
    );
    const got = Object.fromEntries(Object.keys(expected).map((n) => [n, layerOf(r, n)]));
    expect(got).toEqual(expected);
    expect(r.packages.map((p) => p.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it('a status file deleted by a whiteout and written again starts a new history', () => {
    const r = runCatalogers(
      [[{ path: STATUS, content: stanza('a', '1') }], [{ path: STATUS, whiteout: true }], [{ path: STATUS, content: stanza('a', '1') }]],
      [dpkgCataloger],
    );
    expect(r.packages.map((p) => [p.name, p.locations[0]!.layerDiffId!.slice(-1)])).toEqual([['a', '2']]);
  });

  it('distroless status.d: stanza files only, whiteouts remove entries, each file is its own history', () => {
    const d = 'var/lib/dpkg/status.d/';
    const r = runCatalogers(
      [
        [
          { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
          { path: `${d}base-files`, content: stanza('base-files', '12.4+deb12u5') },
          { path: `${d}base-files.md5sums`, content: 'd41d8cd98f00b204e9800998ecf8427e  etc/issue\n' },
          { path: `${d}netbase`, content: stanza('netbase', '6.4') },
          { path: `${d}tzdata`, content: stanza('tzdata', '2024a-0+deb12u1') },
          { path: `${d}libs`, content: db(stanza('libc6', '2.36-9+deb12u7', 'Source: glibc\n'), stanza('libssl3', '3.0.13-1~deb12u1', 'Source: openssl\nDepends: libc6 (>= 2.34)\n')) },
        ],
        [{ path: `${d}netbase`, whiteout: true }, { path: `${d}tzdata`, content: stanza('tzdata', '2024b-0+deb12u1') }],
        [{ path: `${d}netbase`, content: stanza('netbase', '6.4') }],
      ],
      [dpkgCataloger],
    );
    const got = r.packages.map((p) => `${p.name} ${p.version} ${p.locations[0]!.path} ${p.locations[0]!.layerDiffId!.slice(-1)}`);
    expect(got).toEqual([
      'base-files 12.4+deb12u5 /var/lib/dpkg/status.d/base-files 0',
      'libc6 2.36-9+deb12u7 /var/lib/dpkg/status.d/libs 0',
      'libssl3 3.0.13-1~deb12u1 /var/lib/dpkg/status.d/libs 0',
      'netbase 6.4 /var/lib/dpkg/status.d/netbase 2',
      'tzdata 2024b-0+deb12u1 /var/lib/dpkg/status.d/tzdata 1',
    ]);
    expect(r.unknowns).toEqual([]);
    const libc = r.packages.find((p) => p.name === 'libc6')!;
    expect(libc.source).toEqual({ name: 'glibc', version: '2.36-9+deb12u7' });
    expect(r.packages.find((p) => p.name === 'libssl3')!.dependsOn).toEqual([libc.id]);
    // A whiteout of the whole status.d directory removes them all.
    const gone = runCatalogers([[{ path: `${d}netbase`, content: stanza('netbase', '6.4') }], [{ path: 'var/lib/dpkg/status.d', whiteout: true }]], [dpkgCataloger]);
    expect(gone.packages).toEqual([]);
  });
});

describe('dependencies, Provides, multi-arch lists and namespaces', () => {
  const status = db(
    stanza('app', '1', 'Pre-Depends: libc6 (>= 2.34)\nDepends: missing-pkg | mail-transport-agent, awk, libfoo1:i386, libc6\n'),
    stanza('exim4-daemon-light', '4.96-15', 'Provides: mail-transport-agent, exim4-localscanapi-6.0\n'),
    stanza('mawk', '1.3.4.20200120-3.1', 'Provides: awk\n'),
    stanza('libc6', '2.39-0ubuntu8', 'Source: glibc\nMulti-Arch: same\n'),
    stanza('libfoo1', '1', 'Multi-Arch: same\n'),
    stanza('libfoo1', '1', 'Multi-Arch: same\n').replace('amd64', 'i386'),
  );
  const r = runCatalogers(
    [
      [
        { path: 'etc/os-release', content: 'ID=ubuntu\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n' },
        { path: STATUS, content: status },
        { path: 'var/lib/dpkg/info/libc6:amd64.list', content: '/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\n' },
        { path: 'var/lib/dpkg/info/app.list', content: '/.\n/usr/bin/app\n' },
        { path: 'var/lib/dpkg/info/libc6.md5sums', content: 'x  y\n' },
        { path: 'usr/share/doc/app/copyright', content: 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n' },
        { path: 'usr/share/doc/libc6/copyright', content: 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: LGPL-2.1+\n' },
        { path: 'usr/share/doc/mawk', symlink: 'libc6' },
      ],
    ],
    [dpkgCataloger],
  );
  const byKey = (name: string, arch = 'amd64') => r.packages.find((p) => p.name === name && p.arch === arch)!;

  it('resolves alternatives and virtual packages to packages present, honouring arch qualifiers', () => {
    const app = byKey('app');
    expect(app.dependsOn).toEqual([byKey('libc6').id, byKey('exim4-daemon-light').id, byKey('mawk').id, byKey('libfoo1', 'i386').id]);
  });

  it('uses the os id as namespace, multi-arch .list names, and follows doc symlinks', () => {
    const libc = byKey('libc6');
    expect(libc.purl).toBe('pkg:deb/ubuntu/libc6@2.39-0ubuntu8?arch=amd64&distro=ubuntu-24.04');
    expect(libc.files).toEqual(['/lib', '/lib/x86_64-linux-gnu/libc.so.6']);
    expect(libc.licenses).toEqual(['LGPL-2.1-or-later']);
    expect(byKey('mawk').licenses).toEqual(['LGPL-2.1-or-later']);
    expect(byKey('app').files).toEqual(['/usr/bin/app']);
    expect(byKey('app').licenses).toEqual(['GPL-2.0-or-later']);
    expect(byKey('exim4-daemon-light').files).toBeUndefined();
  });

  it.each([
    ['var/lib/dpkg/status', 100, true],
    ['var/lib/dpkg/status-old', 100, false],
    ['var/lib/dpkg/status.d/foo', 100, true],
    ['var/lib/dpkg/status.d/foo.md5sums', 100, false],
    ['var/lib/dpkg/status.d/sub/foo', 100, false],
    ['var/lib/dpkg/info/foo:amd64.list', 100, true],
    ['var/lib/dpkg/info/foo.md5sums', 100, false],
    ['usr/share/doc/foo/copyright', 100, true],
    ['usr/share/doc/foo/copyright', MAX_COPYRIGHT_SIZE + 1, false],
    ['usr/share/doc/foo/bar/copyright', 100, false],
    ['usr/share/doc/copyright', 100, false],
    ['opt/var/lib/dpkg/status', 100, false],
  ])('wants(%s, %d bytes) = %s', (path, size, wanted) => {
    expect(dpkgCataloger.wants({ path, size, mode: 0o100644 })).toBe(wanted);
  });
});

describe('osPackagePurl', () => {
  it.each([
    [{ type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u4', qualifiers: { arch: 'amd64', distro: 'debian-12' } }, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12'],
    [{ type: 'deb', namespace: 'debian', name: 'zlib1g', version: '1:1.2.13.dfsg-1', qualifiers: { arch: 'amd64' } }, 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64'],
    [{ type: 'deb', namespace: 'ubuntu', name: 'libstdc++6', version: '14~rc1+1', qualifiers: {} }, 'pkg:deb/ubuntu/libstdc%2B%2B6@14~rc1%2B1'],
    [{ type: 'rpm', namespace: 'fedora', name: 'git', version: '2.44.0^1-1.fc40', qualifiers: { epoch: '1' } }, 'pkg:rpm/fedora/git@2.44.0%5E1-1.fc40?epoch=1'],
  ] as const)('%j', (parts, expected) => {
    const purl = osPackagePurl({ ...parts, qualifiers: { ...parts.qualifiers } });
    expect(purl).toBe(expected);
    const back = PackageURL.fromString(purl);
    expect([back.name, back.version]).toEqual([parts.name, parts.version]);
  });
});
