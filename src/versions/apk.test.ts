/**
 * apk ordering. apk-tools is not packaged for Debian, so there is no oracle process here: the
 * vectors are apk-tools' own unit-test data (testdata/apk-tools-version.data), plus generated
 * versions checked for the properties a total order must have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareApk, isValidApk } from './apk.js';
import { rng, sym } from './_oracle.js';

const DATA = readFileSync(join(import.meta.dirname, 'testdata', 'apk-tools-version.data'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

describe('apk vs apk-tools’ own test vectors', () => {
  it('orders every "A op B" line of apk-tools’ version.data as apk does (both directions)', () => {
    const lines = DATA.map((l) => /^(\S+) ([<=>]) (\S+)$/.exec(l)).filter((m) => m !== null);
    expect(lines.length).toBeGreaterThan(700);
    const bad = lines.filter(([, a, op, b]) => sym(compareApk(a!, b!)) !== op || sym(compareApk(b!, a!)) !== ({ '<': '>', '>': '<', '=': '=' } as const)[op as '<']).map((m) => m[0]);
    expect(bad).toEqual([]);
  });

  it('accepts and refuses versions as apk-tools’ validator does', () => {
    const lines = DATA.filter((l) => !/ \S*[<=>~] /.test(l));
    expect(lines.length).toBeGreaterThan(25);
    const bad = lines.filter((l) => isValidApk(l.replace(/^!/, '')) !== !l.startsWith('!'));
    expect(bad).toEqual([]);
  });
});

describe('apk ordering properties', () => {
  const r = rng(17);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.05 ? '9'.repeat(18 + Math.floor(r() * 6)) + Math.floor(r() * 10) : r() < 0.15 ? '0' + Math.floor(r() * 10) : String(Math.floor(r() * 12)));
  const v = () => {
    let s = num();
    for (let i = Math.floor(r() * 3); i > 0; i--) s += '.' + (r() < 0.05 ? '' : num());
    if (r() < 0.2) s += pick(['a', 'b', 'z']);
    for (let i = r() < 0.3 ? 1 + Math.floor(r() * 2) : 0; i > 0; i--) s += '_' + pick(['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p', 'foo']) + (r() < 0.6 ? num() : '');
    if (r() < 0.1) s += '~' + pick(['1234abcd', 'deadbeef', 'ff', 'x']);
    if (r() < 0.5) s += '-r' + (r() < 0.05 ? '' : num());
    return s;
  };
  const versions = Array.from({ length: 3000 }, v);

  it('is a total order on 3000 generated versions (valid and invalid): antisymmetric, and a sort is consistent pairwise', () => {
    for (let i = 0; i < versions.length; i++) {
      const a = versions[i]!;
      const b = versions[(i * 7 + 1) % versions.length]!;
      expect(compareApk(a, a)).toBe(0);
      expect(sym(compareApk(a, b)), `${a} ${b}`).toBe(sym(-compareApk(b, a)));
    }
    const sorted = [...versions].sort(compareApk);
    for (let i = 0; i + 1 < sorted.length; i++) expect(compareApk(sorted[i]!, sorted[i + 1]!), `${sorted[i]} ${sorted[i + 1]}`).toBeLessThanOrEqual(0);
    for (let i = 0; i + 50 < sorted.length; i += 7) expect(compareApk(sorted[i]!, sorted[i + 50]!)).toBeLessThanOrEqual(0);
  });

  it.each([
    // apk compares strings its validator refuses, rather than failing (apk version -t / apk vertest)
    ['1-r', '1', '<'],
    ['1-r', '1-r', '='],
    ['0..1..0', '0.0.1', '<'],
    ['1.0', '1.0bc', '<'],
    // numbers past 2^53 and 2^64 keep their order
    ['1.2.9007199254740993', '1.2.9007199254740992', '>'],
    ['18446744073709551617', '18446744073709551616', '>'],
    ['1.0_p9007199254740993', '1.0_p9007199254740992', '>'],
    ['1.0-r9007199254740993', '1.0-r9007199254740992', '>'],
    ['1.2.3_rc1', '1.2.3', '<'],
    ['1.2.3_p1', '1.2.3', '>'],
    ['1.01', '1.1', '<'],
    ['8.2.0', '8.2.001', '<'],
  ])('%s vs %s is %s', (a, b, want) => expect(sym(compareApk(a, b))).toBe(want));
});
