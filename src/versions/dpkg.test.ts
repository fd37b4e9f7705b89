/**
 * dpkg ordering against dpkg's own implementation: Dpkg::Version (dpkg's Perl module, one process
 * for the whole batch), cross-checked on a sample against `dpkg --compare-versions` itself.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareDpkg } from './dpkg.js';
import { mismatches, rng, runOracle, sym } from './_oracle.js';

const PERL = 'use Dpkg::Version; $| = 1; while (<STDIN>) { chomp; my ($a, $b) = split / /; my $c = version_compare($a, $b); print $c < 0 ? "<" : $c > 0 ? ">" : "=", "\\n" }';

function dpkgPerl(pairs: (readonly [string, string])[]): string[] {
  return runOracle({ pkg: 'libdpkg-perl', cmd: 'perl', args: ['-e', PERL], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split('\n');
}

function debianVersions(): string[] {
  let text = '';
  try {
    text = execFileSync('apt-cache', ['dumpavail'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    text = '';
  }
  if (!text.includes('Version:')) text = runOracle({ pkg: 'dpkg', cmd: 'dpkg-query', args: ['-W', '-f', 'Version: ${Version}\\n'] });
  return [...new Set([...text.matchAll(/^Version: (\S+)$/gm)].map((m) => m[1]!))];
}

function generated(n: number, seed: number): [string, string][] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const num = () => (r() < 0.08 ? '9'.repeat(16 + Math.floor(r() * 10)) + String(Math.floor(r() * 10)) : r() < 0.1 ? '0' + Math.floor(r() * 10) : String(Math.floor(r() * 12)));
  const part = () => {
    let s = num();
    for (let i = Math.floor(r() * 4); i > 0; i--) s += pick(['.', '.', '+', '~', '', 'a', 'b', 'rc', 'dfsg', '~rc', '+b', '.git', '~~']) + (r() < 0.7 ? num() : '');
    return s;
  };
  const v = () => `${r() < 0.15 ? Math.floor(r() * 3) + ':' : ''}${part()}${r() < 0.7 ? '-' + part() : ''}`;
  return Array.from({ length: n }, () => [v(), v()] as [string, string]);
}

describe('dpkg vs dpkg (Dpkg::Version and dpkg --compare-versions)', () => {
  it('agrees on 3000 pairs of real Debian versions and 3000 generated ones (tildes, epochs, digits past 2^53)', () => {
    const versions = debianVersions();
    expect(versions.length).toBeGreaterThan(500);
    const r = rng(42);
    const pick = () => versions[Math.floor(r() * versions.length)]!;
    const sorted = [...versions].sort();
    const pairs: [string, string][] = [];
    for (let i = 0; i < 2000; i++) pairs.push([pick(), pick()]);
    for (let i = 0; i < 1000; i++) {
      const k = Math.floor(r() * (sorted.length - 1));
      pairs.push([sorted[k]!, sorted[k + 1]!]);
    }
    pairs.push(...generated(3000, 43));
    pairs.push(['1.0~rc1', '1.0'], ['1:0.9', '2.0'], ['1.0-1', '1.0-1~bpo1'], ['1.0+b1', '1.0'], ['1.0a', '1.0~'], ['0:1.0', '1.0'], ['1.9007199254740993', '1.9007199254740992']);
    const out = dpkgPerl(pairs);
    expect(new Set(out)).toEqual(new Set(['<', '=', '>']));
    expect(mismatches(pairs, out, compareDpkg)).toEqual([]);
  }, 120_000);

  it('Dpkg::Version answers as dpkg --compare-versions on a sample (ties the batch oracle to dpkg itself)', () => {
    const pairs = generated(40, 44);
    pairs.push(['1.9007199254740993', '1.9007199254740992'], ['1.0~rc1', '1.0']);
    runOracle({ pkg: 'dpkg', cmd: 'dpkg', args: ['--version'] });
    const script = 'while read a b; do if dpkg --compare-versions "$a" lt "$b"; then echo "<"; elif dpkg --compare-versions "$a" eq "$b"; then echo "="; else echo ">"; fi; done';
    const dpkg = runOracle({ pkg: 'dpkg', cmd: 'bash', args: ['-c', script], input: pairs.map((p) => p.join(' ')).join('\n') + '\n' }).trim().split('\n');
    expect(dpkg).toHaveLength(pairs.length);
    expect(dpkgPerl(pairs)).toEqual(dpkg);
    expect(pairs.map(([a, b]) => sym(compareDpkg(a, b)))).toEqual(dpkg);
  }, 60_000);
});
