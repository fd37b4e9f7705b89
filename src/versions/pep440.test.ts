/**
 * Python versions against Python's packaging: valid PEP 440 versions against Debian's
 * python3-packaging, and versions that are not PEP 440 against the packaging pip vendors in
 * Debian's python3-pip (21.3, the last with LegacyVersion). One Python process per batch.
 */
import { describe, expect, it } from 'vitest';
import { comparePep440, isPep440 } from './pep440.js';
import { mismatches, rng, runOracle } from './_oracle.js';

// Debian's packages install into the system interpreter's dist-packages.
const PY = '/usr/bin/python3';

function python(pkg: string, module: string, pairs: (readonly [string, string])[], check = ''): string[] {
  const code = `import sys, warnings\nwarnings.simplefilter("ignore")\nfrom ${module} import parse\n${check}\nfor line in sys.stdin:\n  a, b = line.split()\n  x, y = parse(a), parse(b)\n  print("<" if x < y else ">" if x > y else "=")\n`;
  return runOracle({ pkg, cmd: PY, args: ['-c', code], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split('\n');
}

function validVersions(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.06 ? '9'.repeat(16 + Math.floor(r() * 6)) + Math.floor(r() * 10) : r() < 0.08 ? '0' + Math.floor(r() * 3) : String(Math.floor(r() * 3)));
  const sep = () => pick(['', '', '.', '-', '_']);
  const v = () => {
    let s = `${r() < 0.1 ? 'v' : ''}${r() < 0.1 ? num() + '!' : ''}${num()}`;
    for (let i = Math.floor(r() * 3); i > 0; i--) s += '.' + num();
    if (r() < 0.35) s += sep() + pick(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC', 'A']) + sep() + (r() < 0.8 ? num() : '');
    if (r() < 0.25) s += r() < 0.3 ? '-' + num() : sep() + pick(['post', 'rev', 'r', 'POST']) + sep() + (r() < 0.8 ? num() : '');
    if (r() < 0.25) s += sep() + pick(['dev', 'DEV']) + sep() + (r() < 0.8 ? num() : '');
    if (r() < 0.15) s += '+' + Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(['ubuntu', '1', '2', 'abc', '01', 'B'])).join(pick(['.', '-', '_']));
    return s;
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const a = v();
    pairs.push([a, r() < 0.3 ? (r() < 0.5 ? a.toUpperCase() : 'v' + a.replace(/^v/, '')) : v()]);
  }
  return pairs;
}

function legacyMix(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const atoms = ['1', '0', '2', '10', '01', '123456789', '.', '-', '_', '+', 'a', 'b', 'c', 'rc', 'pre', 'preview', 'dev', 'post', 'final', 'alpha', 'x', 'foo', 'r', 'v', '!', '*', 'ubuntu', 'SNAPSHOT', 'RC'];
  const v = () => {
    let s = r() < 0.8 ? String(Math.floor(r() * 3)) : '';
    for (let i = 1 + Math.floor(r() * 5); i > 0; i--) s += pick(atoms);
    return s || 'x';
  };
  const valid = validVersions(n, seed + 1).map((p) => p[0]);
  return Array.from({ length: n }, (_, i) => [v(), r() < 0.3 ? valid[i]! : v()] as [string, string]);
}

describe('pep440 vs packaging.version', () => {
  it('agrees with python3-packaging on 4000 pairs of valid versions (normal forms, epochs, local labels, digits past 2^53)', () => {
    const pairs = validVersions(4000, 11);
    pairs.push(['1.9007199254740993', '1.9007199254740992'], ['1.0.dev0', '1.0a0'], ['1.0-1', '1.0.post1'], ['1.0+ubuntu.1', '1.0+1']);
    expect(pairs.every(([a, b]) => isPep440(a) && isPep440(b))).toBe(true);
    const out = python('python3-packaging', 'packaging.version', pairs);
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, comparePep440)).toEqual([]);
  }, 120_000);

  it('orders versions that are not PEP 440 as pip’s packaging LegacyVersion does, before every valid one (4000 pairs)', () => {
    const pairs = legacyMix(4000, 13);
    pairs.push(['1.0-r', '1.0'], ['2.0-SNAPSHOT', '1.0'], ['1.0-r', '1.0-r1'], ['foo', '0.0.0.dev0'], ['1.2.3.4-ubuntu1', '1.2.3.4-ubuntu2']);
    expect(pairs.filter(([a]) => !isPep440(a)).length).toBeGreaterThan(2000);
    const out = python('python3-pip', 'pip._vendor.packaging.version', pairs, 'from pip._vendor.packaging.version import LegacyVersion');
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, comparePep440)).toEqual([]);
  }, 120_000);

  it('refuses only empty strings and strings with whitespace inside', () => {
    expect(() => comparePep440('', '1.0')).toThrowCode('INVALID_VERSION');
    expect(() => comparePep440('not a version', '1.0')).toThrowCode('INVALID_VERSION');
    expect(comparePep440('2.0-SNAPSHOT', '0.1')).toBe(-1);
  });
});
