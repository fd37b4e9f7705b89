/**
 * Version schemes: differential tests against the real implementations this machine has
 * (dpkg --compare-versions over real Debian versions, rpm's own rpm.vercmp, Maven's
 * ComparableVersion, Python's packaging), plus hand-checked tables for the rest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareApk } from './apk.js';
import { compareDpkg } from './dpkg.js';
import { compareGeneric } from './generic.js';
import { compareMaven } from './maven.js';
import { compareNuget } from './nuget.js';
import { pep440Scheme } from './pep440.js';
import { VERSION_SCHEMES, schemeFor } from './registry.js';
import { compareRpm, rpmvercmp } from './rpm.js';
import { compareGem } from './rubygems.js';
import { goScheme, npmScheme } from './semver.js';

/** Deterministic PRNG so failures are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const sym = (n: number) => (n < 0 ? '<' : n > 0 ? '>' : '=');

function debianVersions(): string[] {
  let text = '';
  try {
    text = execFileSync('apt-cache', ['dumpavail'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    text = '';
  }
  if (!text.includes('Version:')) text = execFileSync('dpkg-query', ['-W', '-f', 'Version: ${Version}\\n'], { encoding: 'utf8' });
  return [...new Set([...text.matchAll(/^Version: (\S+)$/gm)].map((m) => m[1]!))];
}

describe('dpkg vs dpkg --compare-versions', () => {
  it('agrees on 2000 pairs of real Debian versions', () => {
    const versions = debianVersions();
    expect(versions.length).toBeGreaterThan(500);
    const r = rng(42);
    const pick = () => versions[Math.floor(r() * versions.length)]!;
    const pairs: [string, string][] = [];
    // Random pairs, and pairs that share a prefix (the interesting, close comparisons).
    const sorted = [...versions].sort();
    for (let i = 0; i < 1300; i++) pairs.push([pick(), pick()]);
    for (let i = 0; i < 700; i++) {
      const k = Math.floor(r() * (sorted.length - 1));
      pairs.push([sorted[k]!, sorted[k + 1]!]);
    }
    pairs.push(['1.0~rc1', '1.0'], ['1:0.9', '2.0'], ['1.0-1', '1.0-1~bpo1'], ['1.0+b1', '1.0'], ['1.0a', '1.0~'], ['0:1.0', '1.0']);
    const script = 'while read a b; do if dpkg --compare-versions "$a" lt "$b"; then echo "<"; elif dpkg --compare-versions "$a" eq "$b"; then echo "="; else echo ">"; fi; done';
    const out = execFileSync('bash', ['-c', script], { input: pairs.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n');
    const mismatches = pairs.filter(([a, b], i) => sym(compareDpkg(a, b)) !== out[i]).map(([a, b], i) => `${a} ${b}: ours ${sym(compareDpkg(a, b))} dpkg ${out[i]}`);
    expect(mismatches).toEqual([]);
  }, 600_000);
});

describe('rpm vs rpm.vercmp', () => {
  it('agrees on 3000 random EVR pairs (tilde, caret, letters, epochs)', () => {
    const r = rng(7);
    const seg = () => {
      const x = r();
      if (x < 0.55) return String(Math.floor(r() * 12));
      if (x < 0.7) return ['a', 'b', 'rc', 'beta', 'el8', 'fc39', 'git'][Math.floor(r() * 7)]!;
      if (x < 0.8) return '~' + ['rc1', 'pre', 'beta2'][Math.floor(r() * 3)]!;
      if (x < 0.88) return '^' + ['1', '20230101git', 'post'][Math.floor(r() * 3)]!;
      return String(Math.floor(r() * 3)).padStart(2, '0');
    };
    const ver = () => Array.from({ length: 1 + Math.floor(r() * 4) }, seg).join(r() < 0.8 ? '.' : '_');
    const evr = () => `${r() < 0.15 ? Math.floor(r() * 3) + ':' : ''}${ver()}-${ver()}`;
    const pairs = Array.from({ length: 3000 }, () => [evr(), evr()] as [string, string]);
    const lua = `%{lua: local p = {${pairs.map(([a, b]) => `{"${a}","${b}"}`).join(',')}} for _, x in ipairs(p) do print(rpm.vercmp(x[1], x[2]) .. " ") end}`;
    const out = execFileSync('rpm', ['--eval', lua], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split(/\s+/);
    expect(out).toHaveLength(pairs.length);
    const mismatches = pairs.filter(([a, b], i) => Math.sign(compareRpm(a, b)) !== Math.sign(Number(out[i]))).map(([a, b], i) => `${a} ${b}: ours ${compareRpm(a, b)} rpm ${out[i]}`);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it.each([
    ['1.0', '1.0', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['2.a', '2.1', -1],
    ['1.05', '1.5', 0],
  ])('rpmvercmp(%s, %s) = %d', (a, b, want) => expect(rpmvercmp(a, b)).toBe(want));
});

const mavenJar = existsSync('/usr/share/maven/lib') ? readdirSync('/usr/share/maven/lib').find((f) => f.startsWith('maven-artifact-')) : undefined;

describe('maven vs ComparableVersion', () => {
  it('agrees with Maven’s own ComparableVersion on qualifier-heavy versions', () => {
    expect(mavenJar, 'maven-artifact jar (Debian package maven) is needed as the oracle').toBeDefined();
    const r = rng(3);
    const quals = ['alpha', 'beta', 'milestone', 'rc', 'cr', 'snapshot', 'SNAPSHOT', 'ga', 'final', 'release', 'sp', 'foo', 'a', 'b', 'm', 'RELEASE', ''];
    const v = () => {
      let s = String(Math.floor(r() * 4));
      const n = Math.floor(r() * 4);
      for (let i = 0; i < n; i++) {
        const x = r();
        if (x < 0.4) s += '.' + Math.floor(r() * 3);
        else if (x < 0.7) s += '-' + quals[Math.floor(r() * quals.length)]! + (r() < 0.5 ? Math.floor(r() * 3) : '');
        else if (x < 0.85) s += quals[Math.floor(r() * quals.length)]! + Math.floor(r() * 3);
        else s += '.' + quals[Math.floor(r() * quals.length)]!;
      }
      return s.replace(/[-.]$/, '');
    };
    const versions = Array.from({ length: 4000 }, v);
    const out = spawnSync('java', ['-cp', `/usr/share/maven/lib/${mavenJar}`, 'org.apache.maven.artifact.versioning.ComparableVersion', ...versions], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
    const results = [...out.matchAll(/^ {3}(\S+) (==|<|>) (\S+)$/gm)].map((m) => [m[1]!, m[2]!, m[3]!] as const);
    expect(results.length).toBe(versions.length - 1);
    const mismatches = results.filter(([a, op, b]) => ({ '==': '=', '<': '<', '>': '>' })[op] !== sym(compareMaven(a, b))).map(([a, op, b]) => `${a} ${op} ${b} (ours ${sym(compareMaven(a, b))})`);
    expect(mismatches).toEqual([]);
  }, 120_000);
});

describe('pep440 vs packaging.version', () => {
  it('agrees with Python’s packaging on 2000 pairs', () => {
    const r = rng(11);
    const v = () => {
      let s = `${r() < 0.1 ? '1!' : ''}${Math.floor(r() * 3)}.${Math.floor(r() * 3)}${r() < 0.4 ? '.' + Math.floor(r() * 3) : ''}`;
      const x = r();
      if (x < 0.25) s += ['a', 'b', 'rc'][Math.floor(r() * 3)]! + Math.floor(r() * 3);
      if (r() < 0.2) s += '.post' + Math.floor(r() * 2);
      if (r() < 0.2) s += '.dev' + Math.floor(r() * 2);
      if (r() < 0.1) s += '+local.' + Math.floor(r() * 2);
      return s;
    };
    const pairs = Array.from({ length: 2000 }, () => [v(), v()] as [string, string]);
    const py = 'import sys\ntry:\n  from packaging.version import Version\nexcept ImportError:\n  from pip._vendor.packaging.version import Version\nfor line in sys.stdin:\n  a, b = line.split()\n  x, y = Version(a), Version(b)\n  print("<" if x < y else ">" if x > y else "=")';
    const out = execFileSync('python3', ['-c', py], { input: pairs.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
    const mismatches = pairs.filter(([a, b], i) => sym(pep440Scheme.compare(a, b)) !== out[i]).map(([a, b], i) => `${a} ${b}: ours ${sym(pep440Scheme.compare(a, b))} packaging ${out[i]}`);
    expect(mismatches).toEqual([]);
  });
});

describe('rubygems vs Gem::Version', () => {
  it('agrees with Ruby on 3000 pairs of release and prerelease versions', () => {
    const r = rng(23);
    const seg = () => (r() < 0.75 ? String(Math.floor(r() * 12)) : ['a', 'b', 'pre', 'rc', 'beta', 'alpha'][Math.floor(r() * 6)]! + (r() < 0.5 ? Math.floor(r() * 3) : ''));
    const v = () => {
      const parts = [String(Math.floor(r() * 4))];
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) parts.push(i < 2 || r() < 0.7 ? String(Math.floor(r() * 12)) : seg());
      let s = parts.join('.');
      if (r() < 0.1) s += '.0';
      if (r() < 0.08) s += '-rc' + Math.floor(r() * 3);
      return s;
    };
    const pairs = Array.from({ length: 3000 }, () => [v(), v()] as [string, string]);
    pairs.push(['1.0.0', '1'], ['1.0.a', '1.0'], ['1.0.b1', '1.0.a2'], ['2.0.0-rc1', '2.0.0'], ['1.0.0.pre.2', '1.0.0.pre.10'], ['1.a', '1.0.a'], ['0.9.9', '0.10']);
    const rb = 'STDIN.each_line { |l| a, b = l.split; c = Gem::Version.new(a) <=> Gem::Version.new(b); puts(c < 0 ? "<" : c > 0 ? ">" : "=") }';
    const out = execFileSync('ruby', ['-e', rb], { input: pairs.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
    expect(out).toHaveLength(pairs.length);
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    const mismatches = pairs.filter(([a, b], i) => sym(compareGem(a, b)) !== out[i]).map(([a, b]) => `${a} ${b}: ours ${sym(compareGem(a, b))} ruby ${out[pairs.findIndex((p) => p[0] === a && p[1] === b)]}`);
    expect(mismatches).toEqual([]);
  });
});

describe('go vs golang.org/x/mod/semver', () => {
  it('agrees with the Go module tooling on 3000 pairs incl. pseudo-versions and +incompatible', () => {
    const r = rng(29);
    const hex = () => Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
    const ts = () => `20${10 + Math.floor(r() * 15)}0${1 + Math.floor(r() * 9)}1${Math.floor(r() * 10)}0${Math.floor(r() * 10)}0000`;
    const v = () => {
      const [ma, mi, pa] = [Math.floor(r() * 3), Math.floor(r() * 4), Math.floor(r() * 4)];
      const x = r();
      let s = `v${ma}.${mi}.${pa}`;
      if (x < 0.15) s = `v0.0.0-${ts()}-${hex()}`;
      else if (x < 0.3) s = `v${ma}.${mi}.${pa + 1}-0.${ts()}-${hex()}`;
      else if (x < 0.4) s = `v${ma}.${mi}.${pa}-${['alpha', 'beta', 'rc'][Math.floor(r() * 3)]}.${Math.floor(r() * 3)}`;
      else if (x < 0.45) s = `v${ma}.${mi}.${pa}-rc.1.0.${ts()}-${hex()}`;
      if (r() < 0.1) s += '+incompatible';
      return s;
    };
    const pairs = Array.from({ length: 3000 }, () => [v(), v()] as [string, string]);
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-gosemver-'));
    try {
      writeFileSync(join(dir, 'main.go'), 'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strings"\n\n\t"golang.org/x/mod/semver"\n)\n\nfunc main() {\n\ts := bufio.NewScanner(os.Stdin)\n\tfor s.Scan() {\n\t\tf := strings.Fields(s.Text())\n\t\tfmt.Println([]string{"<", "=", ">"}[semver.Compare(f[0], f[1])+1])\n\t}\n}\n');
      const gopath = '/usr/share/gocode';
      const out = execFileSync('go', ['run', 'main.go'], { cwd: dir, input: pairs.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off', GOPATH: gopath, GOCACHE: join(dir, 'cache'), GOFLAGS: '' } }).trim().split('\n');
      expect(out).toHaveLength(pairs.length);
      expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
      const mismatches = pairs.filter(([a, b], i) => sym(goScheme.compare(a, b)) !== out[i]).map(([a, b]) => `${a} ${b}: ours ${sym(goScheme.compare(a, b))}`);
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('npm vs node-semver', () => {
  it('agrees with the semver package npm itself uses, on 3000 pairs incl. prereleases and build metadata', async () => {
    const { default: semver } = await import('semver');
    const r = rng(31);
    const v = () => `${Math.floor(r() * 3)}.${Math.floor(r() * 3)}.${Math.floor(r() * 3)}${r() < 0.4 ? '-' + ['alpha', 'beta', 'rc', '0', '1'][Math.floor(r() * 5)] + (r() < 0.5 ? '.' + Math.floor(r() * 11) : '') : ''}${r() < 0.1 ? '+build.' + Math.floor(r() * 3) : ''}`;
    const pairs = Array.from({ length: 3000 }, () => [v(), v()] as [string, string]);
    const mismatches = pairs.filter(([a, b]) => npmScheme.compare(a, b) !== semver.compare(a, b)).map(([a, b]) => `${a} ${b}`);
    expect(mismatches).toEqual([]);
  });
});

describe('hand-checked tables', () => {
  it.each([
    // npm (node-semver)
    [npmScheme.compare, '1.2.3', '1.2.3-beta.1', 1],
    [npmScheme.compare, '1.2.3-alpha.10', '1.2.3-alpha.9', 1],
    [npmScheme.compare, '1.2.3+build', '1.2.3', 0],
    // Go: pseudo-versions and +incompatible
    [goScheme.compare, 'v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', -1],
    [goScheme.compare, 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
    [goScheme.compare, 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
    [goScheme.compare, 'v2.0.0+incompatible', 'v2.0.0', 0],
    [goScheme.compare, 'go1.21.3', '1.21.10', -1],
    [goScheme.compare, '1.22rc1', '1.22', -1],
    // RubyGems (Gem::Version)
    [compareGem, '1.0.0', '1', 0],
    [compareGem, '1.0.a', '1.0', -1],
    [compareGem, '1.0.0.pre.2', '1.0.0.pre.10', -1],
    [compareGem, '1.0.b1', '1.0.a2', 1],
    [compareGem, '2.0.0-rc1', '2.0.0', -1],
    // NuGet
    [compareNuget, '1.0.0', '1.0', 0],
    [compareNuget, '1.0.0.1', '1.0.0', 1],
    [compareNuget, '1.0.0-Beta', '1.0.0-beta', 0],
    [compareNuget, '1.0.0-alpha.2', '1.0.0-alpha.10', -1],
    [compareNuget, '1.0.0-rc.1', '1.0.0', -1],
    // apk
    [compareApk, '1.2.3-r0', '1.2.3-r1', -1],
    [compareApk, '1.2.3_rc1', '1.2.3', -1],
    [compareApk, '1.2.3_p1', '1.2.3', 1],
    [compareApk, '1.2.3a', '1.2.3', 1],
    [compareApk, '1.2.3', '1.2.10', -1],
    [compareApk, '1.01', '1.1', -1],
    [compareApk, '2.4_alpha1', '2.4_beta1', -1],
    // generic
    [compareGeneric, '1.10', '1.9', 1],
    [compareGeneric, '2.0rc1', '2.0', -1],
  ] as const)('%#: compare(%$1s, %$2s)', (f, a, b, want) => {
    expect(Math.sign(f(a, b))).toBe(want);
  });

  it('invalid versions throw INVALID_VERSION', () => {
    for (const [id, bad] of [['dpkg', 'abc'], ['apk', '1.x'], ['go', 'v1.2.3.4'], ['nuget', '1.0.0.0.0'], ['pep440', 'not a version']] as const) {
      expect(() => VERSION_SCHEMES.get(id)!.compare(bad, '1.0.0'), `${id} ${bad}`).toThrow(expect.objectContaining({ code: 'INVALID_VERSION' }));
    }
    expect(() => VERSION_SCHEMES.get('go')!.compare('v1.2', 'v1.2.0')).not.toThrow();
  });

  it('maps package types and OSV ecosystems to schemes', () => {
    expect(schemeFor('Debian:12').id).toBe('dpkg');
    expect(schemeFor('PyPI').id).toBe('pep440');
    expect(schemeFor('crates.io').id).toBe('semver');
    expect(schemeFor('Whatever').id).toBe('generic');
  });
});
