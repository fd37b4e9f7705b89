/**
 * Version schemes: hand-checked tables and the registry. The differential tests against each
 * ecosystem's own implementation live next to each scheme (dpkg, rpm, maven, pep440, rubygems,
 * semver/go and apk test files).
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { rng, sym } from './_oracle.js';
import { compareApk } from './apk.js';
import { compareDigits } from './digits.js';
import { compareGeneric } from './generic.js';
import { compareNuget } from './nuget.js';
import { VERSION_SCHEMES, schemeFor } from './registry.js';
import { compareGem } from './rubygems.js';
import { goScheme, npmScheme } from './semver.js';

describe('nuget', () => {
  // No NuGet.Versioning runs here (no .NET in Debian); on three-part versions with lower-case
  // labels NuGet's order is SemVer 2.0 precedence, so node-semver is a reference for that subset.
  it('orders 4000 three-part pairs as SemVer 2.0 precedence (node-semver), and pads to four parts', () => {
    const r = rng(37);
    const id = () => ['alpha', 'beta', 'rc', '0', '1', '10', '2', 'x-y'][Math.floor(r() * 8)]!;
    const v = () => `${Math.floor(r() * 3)}.${Math.floor(r() * 3)}.${Math.floor(r() * 3)}${r() < 0.5 ? '-' + Array.from({ length: 1 + Math.floor(r() * 3) }, id).join('.') : ''}${r() < 0.1 ? '+meta' : ''}`;
    const pairs = Array.from({ length: 4000 }, () => [v(), v()] as const);
    expect(pairs.filter(([a, b]) => sym(compareNuget(a, b)) !== sym(semver.compare(a, b))).map((p) => p.join(' '))).toEqual([]);
    expect(pairs.filter(([a, b]) => sym(compareNuget(a, b)) !== sym(compareNuget(a.replace(/^(\d+\.\d+\.\d+)/, '$1.0'), b))).map((p) => p.join(' '))).toEqual([]);
  });
});

describe('hand-checked tables', () => {
  it.each([
    // npm (node-semver)
    [npmScheme.compare, '1.2.3', '1.2.3-beta.1', 1],
    [npmScheme.compare, '1.2.3-alpha.10', '1.2.3-alpha.9', 1],
    [npmScheme.compare, '1.2.3+build', '1.2.3', 0],
    // Go: pseudo-versions and +incompatible
    [goScheme.compare, 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
    [goScheme.compare, 'v2.0.0+incompatible', 'v2.0.0', 0],
    // RubyGems (Gem::Version)
    [compareGem, '1.0.0', '1', 0],
    [compareGem, '1.0.a', '1.0', -1],
    [compareGem, '1.0beta', '1.0', -1],
    [compareGem, '2.0.0-rc1', '2.0.0', -1],
    [compareGem, '1.9007199254740993', '1.9007199254740992', 1],
    // NuGet (NuGet.Versioning): four parts, case-insensitive labels
    [compareNuget, '1.0.0', '1.0', 0],
    [compareNuget, '1.0.0.1', '1.0.0', 1],
    [compareNuget, '1.0.0-Beta', '1.0.0-beta', 0],
    [compareNuget, '1.0.0-alpha.2', '1.0.0-alpha.10', -1],
    [compareNuget, '1.0.0-rc.1', '1.0.0', -1],
    [compareNuget, '1.0.0.9007199254740993', '1.0.0.9007199254740992', 1],
    [compareNuget, '1.0.0-rc.9007199254740993', '1.0.0-rc.9007199254740992', 1],
    [compareNuget, '01.0.0', '1.0.0.0', 0],
    // apk
    [compareApk, '1.2.3-r0', '1.2.3-r1', -1],
    [compareApk, '1.2.3a', '1.2.3', 1],
    [compareApk, '2.4_alpha1', '2.4_beta1', -1],
    // generic
    [compareGeneric, '1.10', '1.9', 1],
    [compareGeneric, '2.0rc1', '2.0', -1],
  ] as const)('%#: compare(%$1s, %$2s)', (f, a, b, want) => {
    expect(Math.sign(f(a, b))).toBe(want);
  });

  it.each([
    ['9007199254740993', '9007199254740992', 1],
    ['0009', '9', 0],
    ['10', '9', 1],
    ['0', '000', 0],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
  ])('compareDigits(%s, %s) = %d', (a, b, want) => expect(compareDigits(a, b)).toBe(want));

  it('invalid versions throw INVALID_VERSION', () => {
    for (const [id, bad] of [['dpkg', 'abc'], ['apk', ''], ['go', 'v1.2.3.4'], ['nuget', '1.0.0.0.0'], ['pep440', 'not a version'], ['npm', '1.2.3.4'], ['rubygems', '1beta'], ['semver', '1.2']] as const) {
      expect(() => VERSION_SCHEMES.get(id)!.compare(bad, '1.0.0'), `${id} ${bad}`).toThrowCode('INVALID_VERSION');
    }
    expect(() => VERSION_SCHEMES.get('go')!.compare('v1.2', 'v1.2.0')).not.toThrow();
  });

  it('maps package types and OSV ecosystems to schemes', () => {
    expect(schemeFor('Debian:12').id).toBe('dpkg');
    expect(schemeFor('PyPI').id).toBe('pep440');
    expect(schemeFor('crates.io').id).toBe('semver');
    expect(schemeFor('Packagist').id).toBe('composer');
    expect(schemeFor('Whatever').id).toBe('generic');
  });
});
