/**
 * Semantic versions: npm against node-semver (the `semver` package npm itself uses, in-process)
 * and Go against golang.org/x/mod/semver (Debian golang-golang-x-mod-dev, one `go run` per batch).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { goScheme, npmScheme, semverScheme } from './semver.js';
import { mismatches, requireFile, rng, runOracle, sym } from './_oracle.js';

function npmVersions(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.06 ? '0' + Math.floor(r() * 3) : String(Math.floor(r() * 4)));
  const id = () => pick(['alpha', 'beta', 'rc', '0', '1', '10', '2', 'x-y', '01', 'a1', '1a', 'RC', '-']);
  const v = () => {
    let s = `${pick(['', '', '', 'v', '=', ' v'])}${num()}.${num()}.${num()}`;
    if (r() < 0.45) s += pick(['-', '-', '']) + Array.from({ length: 1 + Math.floor(r() * 3) }, id).join('.');
    if (r() < 0.1) s += '+build.' + num();
    return s;
  };
  return Array.from({ length: n }, () => [v(), v()] as [string, string]);
}

describe('npm vs node-semver', () => {
  it('agrees with node-semver (loose) on 5000 pairs incl. prereleases, build metadata and loose forms', () => {
    const pairs = npmVersions(6000, 31).filter(([a, b]) => semver.valid(a, { loose: true }) && semver.valid(b, { loose: true }));
    expect(pairs.length).toBeGreaterThan(5000);
    const oracle = pairs.map(([a, b]) => sym(semver.compare(a, b, { loose: true })));
    expect(new Set(oracle)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, oracle, npmScheme.compare)).toEqual([]);
  });

  it('agrees with node-semver on 3000 pairs of the real package versions in this repository’s package-lock.json', () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const real = [...new Set(Object.values(lock.packages).map((p) => p.version).filter((v): v is string => typeof v === 'string' && semver.valid(v) !== null))];
    expect(real.length).toBeGreaterThan(100);
    const r = rng(34);
    const pairs = Array.from({ length: 3000 }, () => [real[Math.floor(r() * real.length)]!, real[Math.floor(r() * real.length)]!] as [string, string]);
    expect(mismatches(pairs, pairs.map(([a, b]) => sym(semver.compare(a, b))), npmScheme.compare)).toEqual([]);
  });

  it('accepts what node-semver accepts: exactly three numeric parts, loose prefixes and prereleases', () => {
    const r = rng(32);
    const chars = ['1', '0', '.', '-', '+', 'a', 'v', '=', '_', ' ', '.4'];
    // Valid versions with one random edit (insert, delete or replace a character).
    const strings = npmVersions(4000, 33).map(([a]) => {
      const i = Math.floor(r() * (a.length + 1));
      const c = chars[Math.floor(r() * chars.length)]!;
      const x = r();
      return x < 0.25 ? a : x < 0.5 ? a.slice(0, i) + c + a.slice(i) : x < 0.75 ? a.slice(0, i) + a.slice(i + 1) : a.slice(0, i) + c + a.slice(i + 1);
    });
    strings.push('1.2.3.4', '1.2', '1.2.3-', 'v1.2.3', '=1.2.3', '1.2.3beta', '01.02.03');
    const bad = strings.filter((s) => (semver.valid(s, { loose: true }) !== null) !== (npmScheme.tryParse(s) !== undefined));
    expect(strings.filter((s) => semver.valid(s, { loose: true }) !== null).length).toBeGreaterThan(100);
    expect(bad).toEqual([]);
  });

  it.each([
    // Components past 2^53: node-semver refuses these (and loses precision in prereleases); the order is exact here.
    ['1.2.9007199254740993', '1.2.9007199254740992', '>'],
    ['18446744073709551617.0.0', '18446744073709551616.0.0', '>'],
    ['1.0.0-9007199254740993', '1.0.0-9007199254740992', '>'],
    ['1.0.0-alpha.99999999999999999999', '1.0.0-alpha.100000000000000000000', '<'],
    ['1.2.3', '1.2.3-beta.1', '>'],
    ['1.2.3-alpha.10', '1.2.3-alpha.9', '>'],
    ['1.2.3+build', '1.2.3', '='],
  ])('npm %s vs %s is %s', (a, b, want) => {
    expect(sym(npmScheme.compare(a, b))).toBe(want);
    expect(sym(semverScheme.compare(a, b))).toBe(want);
  });

  it('refuses four-part versions (node-semver does; NuGet’s scheme takes them)', () => {
    expect(semver.valid('1.2.3.4', { loose: true })).toBeNull();
    expect(() => npmScheme.compare('1.2.3.4', '1.2.3')).toThrowCode('INVALID_VERSION');
  });
});

const GO_MAIN = 'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strings"\n\n\t"golang.org/x/mod/semver"\n)\n\nfunc main() {\n\ts := bufio.NewScanner(os.Stdin)\n\tfor s.Scan() {\n\t\tf := strings.Fields(s.Text())\n\t\tif len(f) == 1 {\n\t\t\tfmt.Println(semver.IsValid(f[0]))\n\t\t\tcontinue\n\t\t}\n\t\tfmt.Println([]string{"<", "=", ">"}[semver.Compare(f[0], f[1])+1])\n\t}\n}\n';

function goOracle(lines: string[]): string[] {
  const gopath = '/usr/share/gocode';
  requireFile(join(gopath, 'src/golang.org/x/mod/semver'), 'golang-golang-x-mod-dev');
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-gosemver-'));
  try {
    writeFileSync(join(dir, 'main.go'), GO_MAIN);
    return runOracle({ pkg: 'golang-go', cmd: 'go', args: ['run', 'main.go'], cwd: dir, input: lines.join('\n') + '\n', env: { ...process.env, GO111MODULE: 'off', GOPATH: gopath, GOCACHE: join(dir, 'cache'), GOFLAGS: '' } }).trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('go vs golang.org/x/mod/semver', () => {
  it('agrees with the Go module tooling on 4000 pairs (pseudo-versions, +incompatible, digits past 2^53) and on validity', () => {
    const r = rng(29);
    const hex = () => Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
    const ts = () => `20${10 + Math.floor(r() * 15)}0${1 + Math.floor(r() * 9)}1${Math.floor(r() * 10)}0${Math.floor(r() * 10)}0000`;
    const big = () => '9'.repeat(16 + Math.floor(r() * 6)) + Math.floor(r() * 10);
    const v = () => {
      const [ma, mi, pa] = [Math.floor(r() * 3), r() < 0.05 ? big() : Math.floor(r() * 4), Math.floor(r() * 4)];
      const x = r();
      let s = `v${ma}.${mi}.${pa}`;
      if (x < 0.15) s = `v0.0.0-${ts()}-${hex()}`;
      else if (x < 0.3) s = `v${ma}.${mi}.${pa + 1}-0.${ts()}-${hex()}`;
      else if (x < 0.4) s = `v${ma}.${mi}.${pa}-${['alpha', 'beta', 'rc'][Math.floor(r() * 3)]}.${r() < 0.1 ? big() : Math.floor(r() * 3)}`;
      else if (x < 0.45) s = `v${ma}.${mi}.${pa}-rc.1.0.${ts()}-${hex()}`;
      if (r() < 0.1) s += '+incompatible';
      return s;
    };
    const pairs = Array.from({ length: 4000 }, () => [v(), v()] as [string, string]);
    const validity = ['v1.2', 'v1', 'v1.2.3.4', 'v1.2.3-01', 'v1.2.3-', 'v01.2.3', 'v1.2.3-a..b', 'v1.2.3+x', 'v1.2-pre'];
    const out = goOracle([...pairs.map((p) => p.join(' ')), ...validity]);
    expect(out).toHaveLength(pairs.length + validity.length);
    const cmp = out.slice(0, pairs.length);
    expect(new Set(cmp)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, cmp, goScheme.compare)).toEqual([]);
    expect(validity.map((s) => String(goScheme.tryParse(s) !== undefined))).toEqual(out.slice(pairs.length));
  }, 300_000);

  it.each([
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', '<'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', '>'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', '<'],
    ['v2.0.0+incompatible', 'v2.0.0', '='],
    ['go1.21.3', '1.21.10', '<'],
    ['1.22rc1', '1.22', '<'],
    ['v1.9007199254740993.0', 'v1.9007199254740992.0', '>'],
  ])('go %s vs %s is %s', (a, b, want) => expect(sym(goScheme.compare(a, b))).toBe(want));
});
