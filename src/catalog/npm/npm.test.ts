/**
 * JavaScript catalogers against real lockfiles written by npm (v1, v2, v3), yarn 1 and pnpm 8/9
 * for the same project (test/fixtures/app/node), and against the project as `npm ci` installs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers, type TestFile } from '../testing.js';
import { npmInstalledCataloger } from './installed.js';
import { npmLockCataloger, parsePnpmKey, parseYarnLock, pnpmLockCataloger, yarnLockCataloger } from './lockfiles.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const APP = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'app', 'node');

/** The project's dependency set as npm itself reports it. */
const EXPECTED = ['@sindresorhus/is@4.6.0', 'debug@4.3.4', 'is-number@7.0.0', 'lru-cache@6.0.0', 'ms@2.0.0', 'ms@2.1.2', 'semver@7.5.4', 'yallist@4.0.0'];

function set(pkgs: { name: string; version: string }[]): string[] {
  return [...new Set(pkgs.map((p) => `${p.name}@${p.version}`))].sort();
}

function file(path: string, src: string): TestFile {
  return { path, content: readFileSync(join(TESTDATA, src)) };
}

describe('lockfiles written by the real tools', () => {
  it.each([
    ['package-lock v1', 'app/package-lock.json', 'lock-v1.json', npmLockCataloger],
    ['package-lock v2', 'app/package-lock.json', 'lock-v2.json', npmLockCataloger],
    ['package-lock v3', 'app/package-lock.json', 'lock-v3.json', npmLockCataloger],
    ['yarn.lock v1', 'app/yarn.lock', 'yarn-v1.lock', yarnLockCataloger],
    ['pnpm-lock 6.0', 'app/pnpm-lock.yaml', 'pnpm-v6.yaml', pnpmLockCataloger],
    ['pnpm-lock 9.0', 'app/pnpm-lock.yaml', 'pnpm-v9.yaml', pnpmLockCataloger],
  ])('%s lists the same packages as npm ls', (_name, path, src, cataloger) => {
    const r = runCatalogers([[file(path, src)]], [cataloger]);
    expect(set(r.packages)).toEqual(EXPECTED);
    expect(r.unknowns).toEqual([]);
    const debug = r.packages.find((p) => p.name === 'debug')!;
    const ms212 = r.packages.find((p) => p.name === 'ms' && p.version === '2.1.2')!;
    expect(debug.dependsOn).toEqual([ms212.id]);
    expect(r.packages.find((p) => p.name === '@sindresorhus/is')!.purl).toBe('pkg:npm/%40sindresorhus/is@4.6.0');
  });

  it('a lockfile beside an installed node_modules is left to the installed cataloger', () => {
    const r = runCatalogers([[file('app/package-lock.json', 'lock-v3.json'), { path: 'app/node_modules/ms/package.json', content: '{"name":"ms","version":"2.0.0"}' }]], [npmLockCataloger, npmInstalledCataloger]);
    expect(r.packages.map((p) => p.foundBy)).toEqual(['npm-installed']);
  });

  it('locks inside node_modules are not the project’s', () => {
    const r = runCatalogers([[file('app/node_modules/x/package-lock.json', 'lock-v3.json')]], [npmLockCataloger]);
    expect(r.packages).toEqual([]);
  });

  it('malformed lockfiles become unknowns, not failures', () => {
    const r = runCatalogers([[{ path: 'package-lock.json', content: '{"packages": ' }]], [npmLockCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns[0]).toMatchObject({ path: '/package-lock.json', cataloger: 'npm-lock' });
  });
});

describe('yarn berry and pnpm keys', () => {
  it('parses a berry lockfile, skipping the workspace', () => {
    const berry = `__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"debug@npm:4.3.4":\n  version: 4.3.4\n  resolution: "debug@npm:4.3.4"\n  dependencies:\n    ms: "npm:2.1.2"\n  languageName: node\n  linkType: hard\n\n"ms@npm:2.1.2":\n  version: 2.1.2\n  resolution: "ms@npm:2.1.2"\n  languageName: node\n  linkType: hard\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n  languageName: unknown\n  linkType: soft\n`;
    const fact = parseYarnLock(Buffer.from(berry));
    expect(fact.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['debug@4.3.4', 'ms@2.1.2']);
    expect(fact.packages[0]!.deps).toEqual([fact.packages[1]!.key]);
  });

  it.each([
    ['/ms/2.1.2', 'ms', '2.1.2'],
    ['/@babel/core/7.1.0_peer@1', '@babel/core', '7.1.0'],
    ['/ms@2.1.2', 'ms', '2.1.2'],
    ['/@types/node@20.1.0(typescript@5.0.0)', '@types/node', '20.1.0'],
    ['debug@4.3.4(supports-color@8.0.0)', 'debug', '4.3.4'],
  ])('pnpm key %s', (key, name, version) => {
    expect(parsePnpmKey(key)).toEqual({ name, version });
  });
});

describe('installed node_modules (npm ci of the fixture project)', () => {
  let dir: string;
  let files: TestFile[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-npm-'));
    cpSync(join(APP, 'package.json'), join(dir, 'package.json'));
    cpSync(join(APP, 'package-lock.json'), join(dir, 'package-lock.json'));
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'ignore', timeout: 300_000 });
    files = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name === 'package.json') files.push({ path: 'app/' + relative(dir, p), content: readFileSync(p) });
      }
    };
    walk(join(dir, 'node_modules'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds exactly what `npm ls --all` lists', () => {
    const ls = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: dir, encoding: 'utf8' }));
    const expected = new Set<string>();
    const walk = (deps: Record<string, { version: string; dependencies?: object }> | undefined) => {
      for (const [n, d] of Object.entries(deps ?? {})) {
        expected.add(`${n}@${d.version}`);
        walk(d.dependencies as Record<string, { version: string }>);
      }
    };
    walk(ls.dependencies);
    const r = runCatalogers([files], [npmInstalledCataloger]);
    expect(set(r.packages)).toEqual([...expected].sort());
    expect(set(r.packages)).toEqual(EXPECTED);
    expect(r.packages.find((p) => p.name === 'semver')!.licenses).toEqual(['ISC']);
  });
});
