/**
 * Composer ordering against Composer's own code: composer/semver's VersionParser (Debian
 * php-composer-semver) normalising each version, then PHP's version_compare (php-cli). One PHP
 * process per batch.
 */
import { describe, expect, it } from 'vitest';
import { compareComposer, composerScheme, normalizeComposer } from './composer.js';
import { mismatches, rng, runOracle, sym } from './_oracle.js';

const PHP = `require '/usr/share/php/Composer/Semver/autoload.php';
$p = new Composer\\Semver\\VersionParser();
while (($l = fgets(STDIN)) !== false) {
  $f = preg_split('/\\s+/', trim($l));
  try {
    if (count($f) === 1) { echo $p->normalize($f[0]), "\\n"; continue; }
    $c = version_compare($p->normalize($f[0]), $p->normalize($f[1]));
    echo $c < 0 ? '<' : ($c > 0 ? '>' : '='), "\\n";
  } catch (UnexpectedValueException $e) { echo "!\\n"; }
}`;

function php(lines: string[]): string[] {
  return runOracle({ pkg: 'php-composer-semver', cmd: 'php', args: ['-r', PHP], input: lines.join('\n') + '\n' }).trim().split('\n');
}

function generated(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.05 ? '9'.repeat(12 + Math.floor(r() * 5)) + Math.floor(r() * 10) : r() < 0.08 ? '0' + Math.floor(r() * 3) : String(Math.floor(r() * 4)));
  const v = () => {
    if (r() < 0.05) return pick(['20100102', '2010-01-02', '2010.01.02.5', '201001021830', '2010-01-02-beta1']);
    if (r() < 0.05) return `${num()}.${pick(['x', 'X', '*', num() + '.x'])}-dev`;
    let s = `${pick(['', '', 'v'])}${String(Math.floor(r() * 5))}`;
    for (let i = Math.floor(r() * 4); i > 0; i--) s += '.' + num();
    if (r() < 0.45) s += pick(['', '-', '.', '_']) + pick(['stable', 'beta', 'b', 'RC', 'rc', 'alpha', 'a', 'patch', 'pl', 'p', 'BETA', 'Alpha']) + (r() < 0.7 ? pick(['', '.', '-']) + num() + (r() < 0.2 ? '.' + num() : '') : '');
    if (r() < 0.1) s += pick(['-dev', '.dev', 'dev']);
    if (r() < 0.05) s += '+build.' + num();
    if (r() < 0.03) s += pick(['.4.5', '-foo', 'x', '-beta.gamma']);
    return s;
  };
  return Array.from({ length: n }, v);
}

describe('composer vs composer/semver + version_compare', () => {
  const versions = generated(4000, 41);

  it('normalises 4000 versions as composer/semver does, refusing the same ones', () => {
    const out = php(versions);
    expect(out.filter((x) => x === '!').length).toBeGreaterThan(20);
    const ours = versions.map((v) => normalizeComposer(v) ?? '!');
    expect(versions.map((v, i) => `${v} → ${ours[i]}`).filter((_, i) => ours[i] !== out[i])).toEqual([]);
  }, 60_000);

  it('orders 4000 pairs as Composer does (four-part versions, stabilities, dates, x-dev)', () => {
    const r = rng(42);
    const valid = versions.filter((v) => normalizeComposer(v) !== undefined);
    const pairs = Array.from({ length: 4000 }, () => [valid[Math.floor(r() * valid.length)]!, valid[Math.floor(r() * valid.length)]!] as [string, string]);
    pairs.push(['1.2.3.4', '1.2.3'], ['1.0-beta2', '1.0-RC1'], ['1.0-patch1', '1.0'], ['1.0-dev', '1.0-alpha'], ['v1.0', '1.0.0.0']);
    const out = php(pairs.map((p) => p.join(' ')));
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, compareComposer)).toEqual([]);
  }, 60_000);

  it.each([
    ['1.2.3.4', '1.2.3', '>'],
    ['1.0.0.9007199254740993', '1.0.0.9007199254740992', '>'],
    ['1.0.0.99999999999999999999', '1.0.0.99999999999999999998', '>'],
    ['1.0-b2', '1.0-beta2', '='],
    ['1.0.0-rc.1', '1.0.0-RC1', '='],
  ])('%s vs %s is %s', (a, b, want) => expect(sym(compareComposer(a, b))).toBe(want));

  it('refuses branches, which Composer does not order', () => {
    expect(() => composerScheme.compare('dev-master', '1.0')).toThrowCode('INVALID_VERSION');
  });
});
