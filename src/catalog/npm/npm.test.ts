/**
 * JavaScript catalogers against real lockfiles written by npm 6 (v1), npm 11 (v2, v3), yarn 1,
 * yarn 4 (berry), pnpm 7 (5.4), pnpm 8 (6.0) and pnpm 9 (9.0) for one project (testdata/project),
 * and against that project as `npm ci` installs it, checked against `npm ls --all`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../../core/types.js';
import { runCatalogers, type TestFile } from '../testing.js';
import { npmInstalledCataloger, npmLockCataloger, pnpmLockCataloger, yarnLockCataloger } from './cataloger.js';
import { isApplicationManifest } from './application.js';
import { isInstalledManifest } from './installed.js';
import { isNpmLockPath } from './lockfiles.js';
import { parsePnpmKey } from './parse-pnpm-lock.js';
import { descriptorName, parseYarnLock } from './parse-yarn-lock.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const PROJECT = join(TESTDATA, 'project');

/** What `npm ls --all` lists for testdata/project (checked against npm itself below). */
const ALL = [
  '@sindresorhus/is@4.6.0',
  'ajv-keywords@3.5.2',
  'ajv@6.15.0',
  'debug@4.3.4',
  'fast-deep-equal@3.1.3',
  'fast-json-stable-stringify@2.1.0',
  'is-number@7.0.0',
  'isexe@2.0.0',
  'json-schema-traverse@0.4.1',
  'json-schema@0.2.3',
  'lru-cache@6.0.0',
  'ms@2.0.0',
  'ms@2.1.2',
  'punycode@2.3.1',
  'semver@7.5.4',
  'uri-js@4.4.1',
  'yallist@4.0.0',
].sort();
/** npm 6, yarn and pnpm 7 do not install peer dependencies: no ajv (ajv-keywords' peer) and its deps. */
const PEERS = ['ajv@6.15.0', 'fast-deep-equal@3.1.3', 'fast-json-stable-stringify@2.1.0', 'json-schema-traverse@0.4.1', 'punycode@2.3.1', 'uri-js@4.4.1'];
const NO_PEERS = ALL.filter((p) => !PEERS.includes(p));

function ids(pkgs: readonly { name: string; version: string }[]): string[] {
  return [...new Set(pkgs.map((p) => `${p.name}@${p.version}`))].sort();
}

function find(pkgs: readonly Package[], id: string): Package {
  const hit = pkgs.filter((p) => `${p.name}@${p.version}` === id);
  expect(hit, id).toHaveLength(1);
  return hit[0]!;
}

/** `name@version` of the packages a package depends on. */
function depsOf(pkgs: readonly Package[], id: string): string[] {
  const byId = new Map(pkgs.map((p) => [p.id, p]));
  return (find(pkgs, id).dependsOn ?? []).map((d) => `${byId.get(d)!.name}@${byId.get(d)!.version}`).sort();
}

function testdata(path: string, src: string): TestFile {
  return { path, content: readFileSync(join(TESTDATA, src)) };
}

/** Every file and symlink under `dir`, as test files rooted at `prefix`. */
function readTree(dir: string, prefix: string): TestFile[] {
  const out: TestFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const path = `${prefix}/${relative(dir, p)}`;
      if (st.isSymbolicLink()) out.push({ path, symlink: readlinkSync(p) });
      else if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push({ path, content: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

/** Flattened, de-duplicated `name@version` set of an `npm ls --all --json` tree. */
/** `name@version` of the project's direct dependencies, as `npm ls` (depth 0) lists them installed. */
function npmLsDirect(dir: string): string[] {
  const ls = JSON.parse(execFileSync('npm', ['ls', '--json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })) as { dependencies?: Record<string, { version?: string; missing?: boolean }> };
  return Object.entries(ls.dependencies ?? {})
    .filter(([, d]) => d.version && !d.missing)
    .map(([n, d]) => `${n}@${d.version}`)
    .sort();
}

function flattenNpmLs(tree: { dependencies?: Record<string, { version?: string; dependencies?: unknown }> }): string[] {
  const out = new Set<string>();
  const walk = (deps: Record<string, { version?: string; dependencies?: unknown }> | undefined) => {
    for (const [name, d] of Object.entries(deps ?? {})) {
      if (d.version) out.add(`${name}@${d.version}`);
      walk(d.dependencies as typeof deps);
    }
  };
  walk(tree.dependencies);
  return [...out].sort();
}

/**
 * testdata/project installed by `npm ci`, cached under the OS temp directory by the hash of its
 * package.json and lock, so the registry is reached once per fixture change.
 */
function installProject(): string {
  const pkg = readFileSync(join(PROJECT, 'package.json'));
  const lock = readFileSync(join(PROJECT, 'package-lock.json'));
  const hash = createHash('sha256').update(pkg).update('\0').update(lock).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `portcullis-npm-fixture-${hash}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const work = mkdtempSync(join(tmpdir(), 'portcullis-npm-build-'));
  cpSync(join(PROJECT, 'package.json'), join(work, 'package.json'));
  cpSync(join(PROJECT, 'package-lock.json'), join(work, 'package-lock.json'));
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: 'ignore', timeout: 300_000 });
  writeFileSync(join(work, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(work, dir);
  } catch (err) {
    // Another run finished first: use its copy.
    if (!existsSync(join(dir, '.complete'))) throw err;
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

describe('lockfiles written by the real tools', () => {
  it.each([
    ['package-lock v1 (npm 6)', 'app/package-lock.json', 'lock-v1.json', npmLockCataloger, NO_PEERS],
    ['package-lock v2', 'app/package-lock.json', 'lock-v2.json', npmLockCataloger, ALL],
    ['package-lock v3', 'app/package-lock.json', 'project/package-lock.json', npmLockCataloger, ALL],
    ['npm-shrinkwrap.json', 'app/npm-shrinkwrap.json', 'project/package-lock.json', npmLockCataloger, ALL],
    ['yarn.lock v1', 'app/yarn.lock', 'yarn-v1.lock', yarnLockCataloger, NO_PEERS],
    ['yarn.lock berry (yarn 4)', 'app/yarn.lock', 'yarn-berry.lock', yarnLockCataloger, NO_PEERS],
    ['pnpm-lock 5.4 (pnpm 7)', 'app/pnpm-lock.yaml', 'pnpm-v5.yaml', pnpmLockCataloger, NO_PEERS],
    ['pnpm-lock 6.0 (pnpm 8)', 'app/pnpm-lock.yaml', 'pnpm-v6.yaml', pnpmLockCataloger, ALL],
    ['pnpm-lock 9.0 (pnpm 9)', 'app/pnpm-lock.yaml', 'pnpm-v9.yaml', pnpmLockCataloger, ALL],
  ])('%s: the packages and edges the tool resolved', (_name, path, src, cataloger, expected) => {
    const r = runCatalogers([[testdata(path, src)]], [cataloger]);
    expect(r.unknowns).toEqual([]);
    expect(ids(r.packages)).toEqual(expected);
    expect(r.packages).toHaveLength(expected.length);
    expect(r.packages.every((p) => p.locations.length === 1 && p.locations[0]!.path === `/${path}`)).toBe(true);
    // The nested copy: debug needs ms 2.1.2 while the project has ms 2.0.0.
    expect(depsOf(r.packages, 'debug@4.3.4')).toEqual(['ms@2.1.2']);
    expect(depsOf(r.packages, 'semver@7.5.4')).toEqual(['lru-cache@6.0.0']);
    expect(depsOf(r.packages, 'lru-cache@6.0.0')).toEqual(['yallist@4.0.0']);
    expect(depsOf(r.packages, 'ms@2.0.0')).toEqual([]);
    if (expected === ALL) {
      expect(depsOf(r.packages, 'ajv@6.15.0')).toEqual(['fast-deep-equal@3.1.3', 'fast-json-stable-stringify@2.1.0', 'json-schema-traverse@0.4.1', 'uri-js@4.4.1']);
      expect(depsOf(r.packages, 'uri-js@4.4.1')).toEqual(['punycode@2.3.1']);
    }
    expect(find(r.packages, '@sindresorhus/is@4.6.0').purl).toBe('pkg:npm/%40sindresorhus/is@4.6.0');
    expect(find(r.packages, 'ms@2.1.2').purl).toBe('pkg:npm/ms@2.1.2');
  });

  it.each([
    ['package-lock v3', 'app/package-lock.json', 'project/package-lock.json', npmLockCataloger, { dev: true, peer: true, direct: true }],
    ['package-lock v2', 'app/package-lock.json', 'lock-v2.json', npmLockCataloger, { dev: true, peer: true, direct: true }],
    ['package-lock v1', 'app/package-lock.json', 'lock-v1.json', npmLockCataloger, { dev: true, peer: false, direct: false }],
    ['pnpm-lock 9.0', 'app/pnpm-lock.yaml', 'pnpm-v9.yaml', pnpmLockCataloger, { dev: true, peer: false, direct: true }],
    ['pnpm-lock 6.0', 'app/pnpm-lock.yaml', 'pnpm-v6.yaml', pnpmLockCataloger, { dev: true, peer: false, direct: true }],
    ['pnpm-lock 5.4', 'app/pnpm-lock.yaml', 'pnpm-v5.yaml', pnpmLockCataloger, { dev: true, peer: false, direct: true }],
    ['yarn berry', 'app/yarn.lock', 'yarn-berry.lock', yarnLockCataloger, { dev: false, peer: false, direct: true }],
    ['yarn v1', 'app/yarn.lock', 'yarn-v1.lock', yarnLockCataloger, { dev: false, peer: false, direct: false }],
  ])('%s: dev, optional, peer and direct flags where the format records them', (_name, path, src, cataloger, has) => {
    const r = runCatalogers([[testdata(path, src)]], [cataloger]);
    const meta = (id: string) => find(r.packages, id).metadata ?? {};
    expect(meta('is-number@7.0.0').dev).toBe(has.dev ? 'true' : undefined);
    expect(meta('debug@4.3.4').dev).toBeUndefined();
    if (cataloger !== yarnLockCataloger) expect(meta('isexe@2.0.0').optional).toBe('true');
    expect(meta('debug@4.3.4').optional).toBeUndefined();
    if (has.peer) {
      expect(meta('ajv@6.15.0').peer).toBe('true');
      expect(meta('ajv-keywords@3.5.2').peer).toBeUndefined();
    }
    expect(meta('debug@4.3.4').direct).toBe(has.direct ? 'true' : undefined);
    expect(meta('is-number@7.0.0').direct).toBe(has.direct ? 'true' : undefined);
    expect(meta('ms@2.1.2').direct).toBeUndefined();
  });

  it('package-lock v2/v3 licenses are SPDX-normalised; packages without one have none', () => {
    const r = runCatalogers([[testdata('app/package-lock.json', 'project/package-lock.json')]], [npmLockCataloger]);
    expect(find(r.packages, 'uri-js@4.4.1').licenses).toEqual(['BSD-2-Clause']);
    expect(find(r.packages, 'semver@7.5.4').licenses).toEqual(['ISC']);
    expect(find(r.packages, 'json-schema@0.2.3').licenses).toEqual([]);
  });

  it('link entries resolve to their target (npm workspaces and file: dependencies)', () => {
    const r = runCatalogers([[testdata('repo/package-lock.json', 'workspace/package-lock.json')]], [npmLockCataloger]);
    // npm ls --all of that workspace: lib-a@0.1.0 (ms@2.0.0, local-b@0.2.0), local-b@0.2.0, ms@2.1.3
    expect(ids(r.packages)).toEqual(['lib-a@0.1.0', 'local-b@0.2.0', 'ms@2.0.0', 'ms@2.1.3']);
    // lib-a resolves from its real directory packages/lib-a: its own ms 2.0.0, and local-b through the root's link.
    expect(depsOf(r.packages, 'lib-a@0.1.0')).toEqual(['local-b@0.2.0', 'ms@2.0.0']);
    expect(find(r.packages, 'lib-a@0.1.0').licenses).toEqual(['Apache-2.0']);
    expect(find(r.packages, 'local-b@0.2.0').metadata).toEqual({ direct: 'true' });
    expect(find(r.packages, 'ms@2.1.3').metadata).toEqual({ direct: 'true' });
  });

  it('malformed lockfiles become unknowns of the lock cataloger only', () => {
    const r = runCatalogers([[{ path: 'package-lock.json', content: '{"packages": ' }, { path: 'yarn.lock', content: 'a b c\n' }]], [npmLockCataloger, yarnLockCataloger, npmInstalledCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns.map((u) => `${u.path} ${u.cataloger}`).sort()).toEqual(['/package-lock.json npm-lock', '/yarn.lock yarn-lock']);
  });
});

describe('parsing details', () => {
  it.each([
    ['/ms/2.1.2', 'ms', '2.1.2'],
    ['/@babel/core/7.1.0_peer@1.0.0', '@babel/core', '7.1.0'],
    ['/ms@2.1.2', 'ms', '2.1.2'],
    ['/@types/node@20.1.0(typescript@5.0.0)', '@types/node', '20.1.0'],
    ['debug@4.3.4(supports-color@8.0.0)', 'debug', '4.3.4'],
    ['@scope/x@1.0.0-rc.1(@types/y@2.0.0)', '@scope/x', '1.0.0-rc.1'],
  ])('pnpm key %s', (key, name, version) => {
    expect(parsePnpmKey(key)).toEqual({ name, version });
  });

  it.each([
    ['ms@^2.1.1', 'ms'],
    ['@babel/core@^7.0.0', '@babel/core'],
    ['string-width-cjs@npm:string-width@^4.2.0', 'string-width'],
    ['debug@npm:4.3.4', 'debug'],
    ['@s/x@npm:@t/y@1.0.0', '@t/y'],
  ])('yarn descriptor %s names %s', (d, name) => {
    expect(descriptorName(d)).toBe(name);
  });

  it('yarn v1 aliases, quoted names and multi-descriptor blocks', () => {
    const lock = [
      '# yarn lockfile v1',
      '',
      '"@s/a@^1.0.0", "@s/a@^1.1.0":',
      '  version "1.2.0"',
      '  dependencies:',
      '    "string-width-cjs" "npm:string-width@^4.2.0"',
      '    ms "^2.1.1"',
      '',
      '"string-width-cjs@npm:string-width@^4.2.0":',
      '  version "4.2.3"',
      '',
      'ms@^2.1.1:',
      '  version "2.1.3"',
      '',
    ].join('\n');
    const fact = parseYarnLock(Buffer.from(lock));
    expect(fact.packages.map((p) => `${p.key} -> ${p.deps.join(',')}`)).toEqual(['@s/a@1.2.0 -> string-width@4.2.3,ms@2.1.3', 'string-width@4.2.3 -> ', 'ms@2.1.3 -> ']);
  });

  it('yarn berry: workspaces are not packages, patched copies merge with the original', () => {
    const lock = [
      '__metadata:',
      '  version: 8',
      '',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    resolve: "npm:^1.20.0"',
      '  linkType: soft',
      '',
      '"resolve@npm:^1.20.0":',
      '  version: 1.22.8',
      '  resolution: "resolve@npm:1.22.8"',
      '',
      '"resolve@patch:resolve@npm%3A^1.20.0#optional!builtin<compat/resolve>":',
      '  version: 1.22.8',
      '  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"',
      '',
    ].join('\n');
    const r = runCatalogers([[{ path: 'yarn.lock', content: lock }]], [yarnLockCataloger]);
    expect(r.packages.map((p) => `${p.purl} ${JSON.stringify(p.metadata)}`)).toEqual(['pkg:npm/resolve@1.22.8 {"direct":"true"}']);
  });

  it.each([
    ['app/node_modules/a/package.json', true],
    ['app/node_modules/@s/a/package.json', true],
    ['node_modules/a/node_modules/b/package.json', true],
    ['usr/lib/node_modules/npm/package.json', true],
    ['usr/local/lib/node_modules/@s/x/package.json', true],
    ['app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json', true],
    ['app/node_modules/a/lib/package.json', false],
    ['app/node_modules/.bin/package.json', false],
    ['app/node_modules/@s/package.json', false],
    ['app/package.json', false],
    ['app/node_modules/a/xpackage.json', false],
  ])('installed manifest %s: %s', (path, wanted) => {
    expect(isInstalledManifest(path)).toBe(wanted);
    expect(npmInstalledCataloger.wants({ path, mode: 0o100644, size: 10 })).toBe(wanted || isApplicationManifest(path));
  });

  it.each([
    ['package-lock.json', true],
    ['srv/app/npm-shrinkwrap.json', true],
    ['srv/app/node_modules/x/package-lock.json', false],
    ['node_modules/x/npm-shrinkwrap.json', false],
    ['srv/app/old-package-lock.json', false],
  ])('npm lock %s: %s', (path, wanted) => {
    expect(isNpmLockPath(path)).toBe(wanted);
    expect(npmLockCataloger.wants({ path, mode: 0o100644, size: 10 })).toBe(wanted);
  });
});

describe('installed node_modules', () => {
  const pkg = (name: string, version: string, extra: object = {}) => JSON.stringify({ name, version, ...extra });

  it('licenses from `license`, the legacy object and the `licenses` array; non-packages skipped', () => {
    const r = runCatalogers(
      [
        [
          { path: 'usr/lib/node_modules/a/package.json', content: pkg('a', '1.0.0', { license: 'mit' }) },
          { path: 'usr/local/lib/node_modules/@s/b/package.json', content: pkg('@s/b', '2.0.0', { license: { type: 'Apache 2.0', url: 'x' } }) },
          { path: 'app/node_modules/c/package.json', content: pkg('c', '3.0.0', { licenses: [{ type: 'MIT' }, { type: 'GPLv2' }] }) },
          { path: 'app/node_modules/d/package.json', content: pkg('d', '4.0.0', { license: 'SEE LICENSE IN LICENSE.md' }) },
          { path: 'app/node_modules/stub/package.json', content: '{"private": true}' },
          { path: 'app/node_modules/noversion/package.json', content: '{"name": "noversion"}' },
        ],
      ],
      [npmInstalledCataloger],
    );
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => `${p.purl} ${p.licenses.join('|')} ${p.locations[0]!.path}`).sort()).toEqual([
      'pkg:npm/%40s/b@2.0.0 Apache-2.0 /usr/local/lib/node_modules/@s/b/package.json',
      'pkg:npm/a@1.0.0 MIT /usr/lib/node_modules/a/package.json',
      'pkg:npm/c@3.0.0 MIT|GPL-2.0-only /app/node_modules/c/package.json',
      'pkg:npm/d@4.0.0  /app/node_modules/d/package.json',
    ]);
  });

  it('test fixtures shipped inside a package are not installed packages', () => {
    const r = runCatalogers(
      [
        [
          { path: 'app/node_modules/resolve/package.json', content: pkg('resolve', '1.22.8') },
          { path: 'app/node_modules/resolve/test/resolver/node_modules/fake/package.json', content: pkg('fake', '0.0.0') },
          { path: 'app/node_modules/resolve/node_modules/real/package.json', content: pkg('real', '1.0.0') },
          { path: 'usr/lib/node_modules/npm/package.json', content: pkg('npm', '10.0.0') },
          { path: 'usr/lib/node_modules/npm/node_modules/abbrev/package.json', content: pkg('abbrev', '2.0.0') },
        ],
      ],
      [npmInstalledCataloger],
    );
    expect(ids(r.packages)).toEqual(['abbrev@2.0.0', 'npm@10.0.0', 'real@1.0.0', 'resolve@1.22.8']);
  });

  it('resolves dependencies through pnpm’s symlinked layout', () => {
    const store = 'app/node_modules/.pnpm';
    const r = runCatalogers(
      [
        [
          { path: `${store}/debug@4.3.4/node_modules/debug/package.json`, content: pkg('debug', '4.3.4', { dependencies: { ms: '2.1.2' } }) },
          { path: `${store}/debug@4.3.4/node_modules/ms`, symlink: '../../ms@2.1.2/node_modules/ms' },
          { path: `${store}/ms@2.1.2/node_modules/ms/package.json`, content: pkg('ms', '2.1.2') },
          { path: `${store}/ms@2.0.0/node_modules/ms/package.json`, content: pkg('ms', '2.0.0') },
          { path: 'app/node_modules/debug', symlink: '.pnpm/debug@4.3.4/node_modules/debug' },
          { path: 'app/node_modules/ms', symlink: '.pnpm/ms@2.0.0/node_modules/ms' },
          { path: `${store}/loop@1.0.0/node_modules/loop/package.json`, content: pkg('loop', '1.0.0', { dependencies: { x: '1' } }) },
          { path: `${store}/loop@1.0.0/node_modules/x`, symlink: 'x' },
          { path: 'app/pnpm-lock.yaml', content: readFileSync(join(TESTDATA, 'pnpm-v9.yaml')) },
        ],
      ],
      [npmInstalledCataloger, pnpmLockCataloger],
    );
    expect(r.unknowns).toEqual([]);
    expect(ids(r.packages)).toEqual(['debug@4.3.4', 'loop@1.0.0', 'ms@2.0.0', 'ms@2.1.2']);
    expect(r.packages.every((p) => p.foundBy === 'npm-installed')).toBe(true);
    expect(depsOf(r.packages, 'debug@4.3.4')).toEqual(['ms@2.1.2']);
    expect(find(r.packages, 'debug@4.3.4').locations.map((l) => l.path)).toEqual([`/${store}/debug@4.3.4/node_modules/debug/package.json`, '/app/pnpm-lock.yaml']);
    expect(find(r.packages, 'debug@4.3.4').metadata).toEqual({ direct: 'true' });
    expect(find(r.packages, 'loop@1.0.0').locations).toHaveLength(1);
  });

  it.each([
    ['a package the lock names', [{ path: 'app/node_modules/ms/package.json', content: '{"name":"ms","version":"2.0.0"}' }], ['ms@2.0.0'], 'npm-installed'],
    ['npm’s hidden lockfile only', [{ path: 'app/node_modules/.package-lock.json', content: '{"lockfileVersion":3,"packages":{}}' }], [], ''],
    ['an unrelated directory', [{ path: 'app/node_modules_old/ms/index.js', content: 'module.exports = 1;' }], ALL, 'npm-lock'],
  ])('a lock beside an installed tree (%s) is left to the installed cataloger', (_name, extra, expected, foundBy) => {
    // The lock in a lower layer, the install in an upper one.
    const r = runCatalogers([[testdata('app/package-lock.json', 'project/package-lock.json')], extra], [npmLockCataloger, npmInstalledCataloger]);
    expect(ids(r.packages)).toEqual(expected);
    for (const p of r.packages) expect(p.foundBy).toBe(foundBy);
  });

  it('locks inside node_modules are not the project’s', () => {
    const r = runCatalogers([[testdata('app/node_modules/x/package-lock.json', 'project/package-lock.json')]], [npmLockCataloger]);
    expect(r.packages).toEqual([]);
  });
});

describe('testdata/project installed by npm ci, against npm ls --all', () => {
  let dir: string;
  let npmLs: string[];
  /** `npm ls` lists the project itself at the top: `name@version` of its package.json. */
  let root: string;
  let tree: TestFile[];
  beforeAll(() => {
    dir = installProject();
    const ls = JSON.parse(execFileSync("npm", ["ls", "--all", "--json"], { cwd: dir, encoding: "utf8", timeout: 120_000 })) as { name: string; version: string; dependencies?: Record<string, { version?: string; dependencies?: unknown }> };
    npmLs = flattenNpmLs(ls);
    root = `${ls.name}@${ls.version}`;
    tree = [...readTree(join(dir, 'node_modules'), 'srv/app/node_modules'), testdata('srv/app/package.json', 'project/package.json')];
  }, 600_000);

  it('npm ls lists the set the lock tests expect', () => {
    expect(npmLs).toEqual(ALL);
  });

  it('npm-installed finds exactly what npm ls lists, one package per installed copy', () => {
    const r = runCatalogers([tree], [npmInstalledCataloger]);
    expect(r.unknowns).toEqual([]);
    expect(ids(r.packages)).toEqual([...npmLs, root].sort());
    expect(r.packages).toHaveLength(npmLs.length + 1);
    // The project itself: the application, depending on exactly its direct dependencies as installed.
    const app = find(r.packages, root);
    expect(app).toMatchObject({ purl: 'pkg:npm/fixture-app@1.0.0', licenses: ['MIT'], metadata: { application: 'true', private: 'true' }, locations: [{ path: '/srv/app/package.json', layerDiffId: `sha256:${'0'.repeat(64)}` }] });
    expect(depsOf(r.packages, root)).toEqual(npmLsDirect(dir));
    expect(r.packages.filter((p) => p.metadata?.application)).toHaveLength(1);
    expect(depsOf(r.packages, 'debug@4.3.4')).toEqual(['ms@2.1.2']);
    expect(depsOf(r.packages, 'ajv-keywords@3.5.2')).toEqual(['ajv@6.15.0']);
    expect(find(r.packages, 'ms@2.1.2').locations[0]!.path).toBe('/srv/app/node_modules/debug/node_modules/ms/package.json');
    expect(find(r.packages, 'json-schema@0.2.3').licenses).toEqual(['AFL-2.1', 'BSD-2-Clause']);
    expect(find(r.packages, 'semver@7.5.4').licenses).toEqual(['ISC']);
    expect(find(r.packages, '@sindresorhus/is@4.6.0').purl).toBe('pkg:npm/%40sindresorhus/is@4.6.0');
    // Flags from npm's hidden lockfile in node_modules.
    expect(find(r.packages, 'is-number@7.0.0').metadata).toEqual({ dev: 'true' });
    expect(find(r.packages, 'ajv@6.15.0').metadata).toEqual({ peer: 'true' });
  });

  it('npm-lock over the project lock alone finds exactly what npm ls lists', () => {
    const r = runCatalogers([[{ path: 'srv/app/package-lock.json', content: readFileSync(join(dir, 'package-lock.json')) }]], [npmLockCataloger]);
    expect(ids(r.packages)).toEqual(npmLs);
    expect(r.packages).toHaveLength(npmLs.length);
  });

  it('lock and node_modules together: each installed copy once, with both locations', () => {
    const files = [...tree, { path: 'srv/app/package-lock.json', content: readFileSync(join(dir, 'package-lock.json')) }];
    const r = runCatalogers([files], [npmInstalledCataloger, npmLockCataloger]);
    expect(ids(r.packages)).toEqual([...npmLs, root].sort());
    expect(r.packages).toHaveLength(npmLs.length + 1);
    for (const p of r.packages.filter((x) => !x.metadata?.application)) {
      expect(p.foundBy).toBe('npm-installed');
      expect(p.locations.map((l) => l.path)).toEqual([expect.stringMatching(/^\/srv\/app\/node_modules\/.*package\.json$/), '/srv/app/package-lock.json']);
    }
    expect(find(r.packages, 'debug@4.3.4').metadata).toEqual({ direct: 'true' });
    expect(find(r.packages, 'isexe@2.0.0').metadata).toEqual({ optional: 'true', direct: 'true' });
  });
});
