/** The project's own package.json as the application package: which files, purls, layers, edges. */
import { describe, expect, it } from 'vitest';
import type { Package } from '../../core/types.js';
import { runCatalogers, type TestFile } from '../testing.js';
import { isApplicationManifest } from './application.js';
import { npmInstalledCataloger, npmLockCataloger } from './cataloger.js';

const json = (o: object) => JSON.stringify(o);
const brief = (p: Package) => `${p.purl} ${p.locations.map((l) => `${l.path}@${l.layerDiffId === undefined ? '-' : Number(l.layerDiffId.slice(-2))}`).join(',')} ${JSON.stringify(p.metadata ?? {})}`;
const apps = (layers: TestFile[][]) => runCatalogers(layers, [npmInstalledCataloger, npmLockCataloger]).packages.filter((p) => p.metadata?.application === 'true');

describe('which package.json files are the project’s own', () => {
  it.each([
    ['app/package.json', true],
    ['package.json', true],
    ['usr/src/app/package.json', true],
    ['home/node/app/package.json', true],
    ['srv/web/packages/ui/package.json', true],
    ['opt/tool/package.json', true],
    ['usr/share/nodejs/debug/package.json', false],
    ['usr/lib/nodejs/semver/package.json', false],
    ['usr/lib/node_modules/npm/package.json', false],
    ['app/node_modules/a/package.json', false],
    ['app/node_modules/a/lib/package.json', false],
    ['app/xpackage.json', false],
    ['app/package.json.bak', false],
  ])('%s: %s', (path, wanted) => {
    expect(isApplicationManifest(path)).toBe(wanted);
    if (wanted) expect(npmInstalledCataloger.wants({ path, mode: 0o100644, size: 10 })).toBe(true);
  });
});

describe('the application package', () => {
  const CASES: [string, TestFile[][], string[]][] = [
    ['name and version', [[{ path: 'app/package.json', content: json({ name: 'web', version: '1.2.3', license: 'MIT' }) }]], ['pkg:npm/web@1.2.3 /app/package.json@0 {"application":"true"}']],
    ['a scoped name is the purl namespace', [[{ path: 'app/package.json', content: json({ name: '@acme/web', version: '2.0.0', private: true }) }]], ['pkg:npm/%40acme/web@2.0.0 /app/package.json@0 {"application":"true","private":"true"}']],
    ['no version: not a package', [[{ path: 'app/package.json', content: json({ name: 'web', private: true }) }]], []],
    ['no name: not a package', [[{ path: 'app/package.json', content: json({ version: '1.0.0' }) }]], []],
    ['a Debian nodejs library is not an application', [[{ path: 'usr/share/nodejs/ms/package.json', content: json({ name: 'ms', version: '2.1.3' }) }]], []],
    [
      'the layer that wrote the surviving version',
      [[{ path: 'etc/hostname', content: 'x' }], [{ path: 'app/package.json', content: json({ name: 'web', version: '1.0.0' }) }], [{ path: 'app/package.json', content: json({ name: 'web', version: '1.1.0' }) }]],
      ['pkg:npm/web@1.1.0 /app/package.json@2 {"application":"true"}'],
    ],
    ['removed in an upper layer', [[{ path: 'app/package.json', content: json({ name: 'web', version: '1.0.0' }) }], [{ path: 'app/package.json', whiteout: true }]], []],
    [
      'a monorepo: the root and each workspace package',
      [[{ path: 'src/package.json', content: json({ name: 'mono', version: '0.0.1', workspaces: ['packages/*'] }) }, { path: 'src/packages/ui/package.json', content: json({ name: '@mono/ui', version: '0.3.0' }) }]],
      ['pkg:npm/mono@0.0.1 /src/package.json@0 {"application":"true"}', 'pkg:npm/%40mono/ui@0.3.0 /src/packages/ui/package.json@0 {"application":"true"}'],
    ],
  ];
  it.each(CASES)('%s', (_name, layers, want) => {
    expect(apps(layers).map(brief).sort()).toEqual([...want].sort());
  });

  it('depends on its installed dependencies, dev ones and linked workspace packages included', () => {
    const r = runCatalogers(
      [
        [
          { path: 'app/package.json', content: json({ name: 'web', version: '1.0.0', dependencies: { debug: '^4', missing: '1' }, devDependencies: { ms: '2' }, workspaces: ['packages/*'] }) },
          { path: 'app/packages/ui/package.json', content: json({ name: 'ui', version: '0.1.0', dependencies: { ms: '2' } }) },
          { path: 'app/node_modules/debug/package.json', content: json({ name: 'debug', version: '4.3.4', dependencies: { ms: '2.1.2' } }) },
          { path: 'app/node_modules/ms/package.json', content: json({ name: 'ms', version: '2.1.2' }) },
          { path: 'app/node_modules/ui', symlink: '../packages/ui' },
        ],
      ],
      [npmInstalledCataloger],
    );
    expect(r.unknowns).toEqual([]);
    const byId = new Map(r.packages.map((p) => [p.id, p]));
    const depsOf = (name: string) => (r.packages.find((p) => p.name === name)!.dependsOn ?? []).map((d) => byId.get(d)!.purl).sort();
    expect(depsOf('web')).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/ms@2.1.2']);
    expect(depsOf('ui')).toEqual(['pkg:npm/ms@2.1.2']);
    expect(depsOf('debug')).toEqual(['pkg:npm/ms@2.1.2']);
    expect(r.packages.map((p) => `${p.name} ${p.metadata?.application ?? ''}`).sort()).toEqual(['debug ', 'ms ', 'ui true', 'web true']);
  });

  it('beside a lock without node_modules: the lock’s packages and the application, each once', () => {
    const lock = json({ name: 'web', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'web', version: '1.0.0', dependencies: { ms: '2.1.2' } }, 'node_modules/ms': { version: '2.1.2' } } });
    const r = runCatalogers([[{ path: 'app/package.json', content: json({ name: 'web', version: '1.0.0', dependencies: { ms: '2.1.2' } }) }, { path: 'app/package-lock.json', content: lock }]], [npmInstalledCataloger, npmLockCataloger]);
    expect(r.packages.map((p) => `${p.purl} ${p.foundBy}`).sort()).toEqual(['pkg:npm/ms@2.1.2 npm-lock', 'pkg:npm/web@1.0.0 npm-installed']);
  });

  it('a broken project manifest is an unknown, not a failure', () => {
    const r = runCatalogers([[{ path: 'app/package.json', content: '{"name": "web",' }]], [npmInstalledCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([expect.objectContaining({ path: '/app/package.json' })]);
  });
});
