/** RubyGems ordering and validity against Ruby's own Gem::Version (Debian package ruby, one process). */
import { describe, expect, it } from 'vitest';
import { compareGem, rubygemsScheme } from './rubygems.js';
import { mismatches, rng, runOracle } from './_oracle.js';

const RB = 'STDIN.each_line { |l| a, b = l.split; c = Gem::Version.new(a) <=> Gem::Version.new(b); puts(c < 0 ? "<" : c > 0 ? ">" : "=") }';
const RB_VALID = 'STDIN.each_line { |l| puts(Gem::Version.correct?(l.strip) ? "y" : "n") }';

function generated(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.06 ? '9'.repeat(16 + Math.floor(r() * 10)) + Math.floor(r() * 10) : r() < 0.06 ? '0' + Math.floor(r() * 3) : String(Math.floor(r() * 12)));
  const letters = ['a', 'b', 'pre', 'rc', 'beta', 'alpha', 'RC', 'Beta'];
  const seg = () => {
    const x = r();
    if (x < 0.65) return num();
    if (x < 0.8) return pick(letters) + (r() < 0.5 ? num() : '');
    return num() + pick(letters) + (r() < 0.5 ? num() : ''); // letters after digits inside a segment: 1.0beta2
  };
  const v = () => {
    const parts = [num()];
    for (let i = 1 + Math.floor(r() * 4); i > 0; i--) parts.push(i > 2 || r() < 0.6 ? num() : seg());
    let s = parts.join('.');
    if (r() < 0.1) s += '.0';
    if (r() < 0.1) s += '-' + pick(['rc1', 'beta.2', 'pre', '1']);
    return s;
  };
  return Array.from({ length: n }, () => [v(), v()] as [string, string]);
}

describe('rubygems vs Gem::Version', () => {
  it('agrees with Ruby on 4000 pairs (prerelease letters inside segments, trailing zeros, digits past 2^53)', () => {
    const pairs = generated(4000, 23);
    pairs.push(['1.0.0', '1'], ['1.0.a', '1.0'], ['1.0.b1', '1.0.a2'], ['2.0.0-rc1', '2.0.0'], ['1.0.0.pre.2', '1.0.0.pre.10'], ['1.a', '1.0.a'], ['0.9.9', '0.10'], ['1.0beta', '1.0'], ['1.0beta2', '1.0.beta.2'], ['1.9007199254740993', '1.9007199254740992']);
    const out = runOracle({ pkg: 'ruby', cmd: 'ruby', args: ['-e', RB], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split('\n');
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, compareGem)).toEqual([]);
  }, 120_000);

  it('accepts exactly what Gem::Version accepts (e.g. refuses 1beta, accepts 1.0beta)', () => {
    const r = rng(24);
    const chars = ['1', '0', '9', '.', '-', 'a', 'beta', 'B', '_', '+', ' '];
    const strings = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => chars[Math.floor(r() * chars.length)]).join('').trim()).filter((s) => s !== '' && !/\s/.test(s));
    strings.push('1beta', '1.0beta', '1beta2', '1-1', '1.0.0-', '.1', '1..0');
    const out = runOracle({ pkg: 'ruby', cmd: 'ruby', args: ['-e', RB_VALID], input: strings.join('\n') + '\n' }).trim().split('\n');
    const ours = strings.map((s) => (rubygemsScheme.tryParse(s) !== undefined ? 'y' : 'n'));
    expect(ours.filter((x) => x === 'y').length).toBeGreaterThan(100);
    expect(strings.map((s, i) => `${s} ${ours[i]}`).filter((_, i) => ours[i] !== out[i])).toEqual([]);
  }, 60_000);
});
