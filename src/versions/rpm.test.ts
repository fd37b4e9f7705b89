/** rpm ordering against rpm's own EVR comparison (rpm.vercmp in `rpm --eval`, one process per batch). */
import { describe, expect, it } from 'vitest';
import { compareRpm, rpmvercmp } from './rpm.js';
import { mismatches, rng, runOracle, sym } from './_oracle.js';

function rpmOracle(pairs: (readonly [string, string])[]): string[] {
  const lua = '%{lua: for l in io.lines() do local a, b = l:match("^(%S+) (%S+)$") local c = rpm.vercmp(a, b) print((c < 0 and "<" or c > 0 and ">" or "=") .. " ") end}';
  return runOracle({ pkg: 'rpm', cmd: 'rpm', args: ['--eval', lua], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split(/\s+/);
}

function generated(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const seg = () => {
    const x = r();
    if (x < 0.5) return String(Math.floor(r() * 12));
    if (x < 0.58) return '9'.repeat(15 + Math.floor(r() * 8)) + Math.floor(r() * 10);
    if (x < 0.7) return pick(['a', 'b', 'rc', 'beta', 'el8', 'fc39', 'git', 'A', 'Z']);
    if (x < 0.8) return '~' + pick(['rc1', 'pre', 'beta2', '']);
    if (x < 0.88) return '^' + pick(['1', '20230101git', 'post', '']);
    return String(Math.floor(r() * 3)).padStart(2, '0');
  };
  const ver = () => Array.from({ length: 1 + Math.floor(r() * 4) }, seg).join(r() < 0.8 ? '.' : pick(['_', '+', '']));
  const evr = () => {
    const epoch = r() < 0.15 ? pick(['0', '1', '2', '']) + ':' : '';
    const x = r();
    // Releases: usually present, sometimes absent, sometimes empty (`1.0-`).
    const release = x < 0.65 ? '-' + ver() : x < 0.9 ? '' : '-';
    return `${epoch}${ver()}${release}`;
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const a = evr();
    // Half the pairs share the version so that releases (and their absence) decide.
    pairs.push([a, r() < 0.5 ? evr() : a.replace(/-.*$/, '') + pick(['', '-', '-1', '-0', '-' + ver()])]);
  }
  return pairs;
}

describe('rpm vs rpm.vercmp', () => {
  it('agrees on 4000 EVR pairs (tilde, caret, letters, epochs, missing and empty releases, digits past 2^53)', () => {
    const pairs = generated(4000, 7);
    pairs.push(['1', '1-1'], ['1-1', '1'], ['1', '1-'], ['1-', '1-0'], ['0:1', '1'], ['1.9007199254740993', '1.9007199254740992'], ['1:1', '1:1-1']);
    const out = rpmOracle(pairs);
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, compareRpm)).toEqual([]);
  }, 120_000);

  it('agrees with rpm.labelCompare, the comparison rpmdev-vercmp uses (python3-rpm), on 2000 pairs', () => {
    const pairs = generated(2000, 8);
    pairs.push(['1', '1-1'], ['1', '1-'], ['1-', '1-0']);
    const py = 'import sys, rpm\ndef evr(s):\n  v = rpm.ver(s)\n  return (v.e or "0", v.v, v.r)\nfor l in sys.stdin:\n  a, b = l.split()\n  c = rpm.labelCompare(evr(a), evr(b))\n  print("<" if c < 0 else ">" if c > 0 else "=")\n';
    const out = runOracle({ pkg: 'python3-rpm', cmd: '/usr/bin/python3', args: ['-c', py], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split('\n');
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, compareRpm)).toEqual([]);
  }, 60_000);

  it('a version without a release sorts before the same version with one, as rpm.vercmp says', () => {
    const cases: [string, string][] = [['1', '1-1'], ['1', '1-'], ['1-', '1-0'], ['1.0-1', '1.0']];
    expect(cases.map(([a, b]) => sym(compareRpm(a, b)))).toEqual(rpmOracle(cases));
    expect(cases.map(([a, b]) => sym(compareRpm(a, b)))).toEqual(['<', '<', '<', '>']);
  });

  it.each([
    ['1.0', '1.0', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['2.a', '2.1', -1],
    ['1.05', '1.5', 0],
    ['1.9007199254740993', '1.9007199254740992', 1],
  ])('rpmvercmp(%s, %s) = %d', (a, b, want) => expect(rpmvercmp(a, b)).toBe(want));
});
