import { describe, expect, it } from 'vitest';
import { pkg } from './_testing.js';
import { classifyVersionChange, diffPackages } from './packages.js';

describe('classifyVersionChange', () => {
  it.each([
    // dpkg: a security update sorts after the original, an epoch wins over everything, ~ sorts first
    ['deb', '1.34+dfsg-1.2', '1.34+dfsg-1.2+deb12u1', 'upgraded'],
    ['deb', '1:1.0-1', '2.0-1', 'downgraded'],
    ['deb', '1.0~rc1-1', '1.0-1', 'upgraded'],
    // npm semver: numeric, not lexical; pre-releases before the release
    ['npm', '1.9.0', '1.10.0', 'upgraded'],
    ['npm', '2.0.0', '2.0.0-rc.1', 'downgraded'],
    // PEP 440: 1.0 and 1.0.0 are the same version spelled differently
    ['pypi', '1.0', '1.0.0', 'changed'],
    ['pypi', '2.0rc1', '2.0', 'upgraded'],
    // apk: -r revisions
    ['apk', '1.2.3-r0', '1.2.3-r1', 'upgraded'],
    // not comparable under the scheme
    ['npm', '(devel)', '1.0.0', 'changed'],
    ['npm', '1.0.0', '1.0.0', 'same'],
  ] as const)('%s %s → %s is %s', (type, a, b, want) => {
    expect(classifyVersionChange(type, a, b)).toBe(want);
  });
});

describe('diffPackages', () => {
  const kinds = (a: Parameters<typeof diffPackages>[0], b: Parameters<typeof diffPackages>[1]) =>
    diffPackages(a, b).map(
      (c) => `${c.change} ${c.type}/${c.name} ${c.before?.version ?? '-'} ${c.after?.version ?? '-'}`,
    );

  it('added, removed, upgraded, downgraded; unchanged packages are not listed', () => {
    const before = [
      pkg('deb', 'tar', '1.34+dfsg-1.2'),
      pkg('deb', 'gzip', '1.12-1'),
      pkg('deb', 'bash', '5.2.15-2+b2'),
      pkg('npm', 'ms', '2.1.3'),
    ];
    const after = [
      pkg('deb', 'tar', '1.34+dfsg-1.2+deb12u1'),
      pkg('deb', 'curl', '7.88.1-10+deb12u5'),
      pkg('deb', 'bash', '5.2.15-2+b2'),
      pkg('npm', 'ms', '2.1.2'),
    ];
    expect(kinds(before, after)).toEqual([
      'added deb/curl - 7.88.1-10+deb12u5',
      'removed deb/gzip 1.12-1 -',
      'upgraded deb/tar 1.34+dfsg-1.2 1.34+dfsg-1.2+deb12u1',
      'downgraded npm/ms 2.1.3 2.1.2',
    ]);
  });

  it('the same npm package at two paths is two instances, each compared with its own path', () => {
    const at = (v: string, path: string) => pkg('npm', 'ms', v, { path });
    const before = [
      at('2.0.0', '/app/node_modules/ms/package.json'),
      at('2.1.2', '/app/node_modules/debug/node_modules/ms/package.json'),
    ];
    const after = [
      at('2.0.0', '/app/node_modules/ms/package.json'),
      at('2.1.3', '/app/node_modules/debug/node_modules/ms/package.json'),
    ];
    const d = diffPackages(before, after);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      change: 'upgraded',
      before: { version: '2.1.2' },
      after: { version: '2.1.3', location: '/app/node_modules/debug/node_modules/ms/package.json' },
    });
  });

  it('a second copy at a new path is added, not an upgrade of the first', () => {
    const before = [pkg('npm', 'ms', '2.0.0', { path: '/app/node_modules/ms/package.json' })];
    const after = [
      pkg('npm', 'ms', '2.0.0', { path: '/app/node_modules/ms/package.json' }),
      pkg('npm', 'ms', '2.1.3', { path: '/app/node_modules/debug/node_modules/ms/package.json' }),
    ];
    expect(kinds(before, after)).toEqual(['added npm/ms - 2.1.3']);
  });

  it('a package whose path carries its version (dist-info) is matched by name when one copy is left on each side', () => {
    const before = [
      pkg('pypi', 'PyYAML', '6.0', { path: '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA' }),
    ];
    const after = [
      pkg('pypi', 'PyYAML', '6.0.1', {
        path: '/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA',
      }),
    ];
    expect(kinds(before, after)).toEqual(['upgraded pypi/PyYAML 6.0 6.0.1']);
  });

  it('an npm package hoisted to another path with the same version is not a change', () => {
    const before = [
      pkg('npm', 'ms', '2.1.3', { path: '/app/node_modules/debug/node_modules/ms/package.json' }),
    ];
    const after = [pkg('npm', 'ms', '2.1.3', { path: '/app/node_modules/ms/package.json' })];
    expect(diffPackages(before, after)).toEqual([]);
  });

  it('an OS package whose architecture changed is "changed" (same version) and keeps both arches', () => {
    const d = diffPackages(
      [pkg('deb', 'libc6', '2.36-9+deb12u4', { arch: 'amd64' })],
      [pkg('deb', 'libc6', '2.36-9+deb12u4', { arch: 'arm64' })],
    );
    expect(d).toEqual([
      expect.objectContaining({
        change: 'changed',
        before: expect.objectContaining({ arch: 'amd64' }),
        after: expect.objectContaining({ arch: 'arm64' }),
      }),
    ]);
  });

  it('multi-arch instances are compared per architecture', () => {
    const before = [
      pkg('deb', 'libc6', '2.36-9+deb12u3', { arch: 'amd64' }),
      pkg('deb', 'libc6', '2.36-9+deb12u3', { arch: 'i386' }),
    ];
    const after = [
      pkg('deb', 'libc6', '2.36-9+deb12u4', { arch: 'amd64' }),
      pkg('deb', 'libc6', '2.36-9+deb12u3', { arch: 'i386' }),
    ];
    const d = diffPackages(before, after);
    expect(d.map((c) => `${c.change} ${c.after?.arch}`)).toEqual(['upgraded amd64']);
  });

  it('versions that the scheme cannot order are "changed"', () => {
    expect(
      kinds(
        [pkg('golang', 'example.com/greet', '(devel)', { path: '/bin/x' })],
        [pkg('golang', 'example.com/greet', 'v0.2.0', { path: '/bin/x' })],
      ),
    ).toEqual(['changed golang/example.com/greet (devel) v0.2.0']);
  });
});
