import { describe, expect, it } from 'vitest';
import {
  ecosystemKey,
  grafeasPackageTypeOf,
  isOsPackageType,
  isPackageType,
  OS_PACKAGE_TYPES,
  osvEcosystemOfType,
  PACKAGE_TYPES,
  packageTypeInfo,
  packageTypeOfPurl,
} from './package-types.js';

describe('package-type table', () => {
  it('has one row per type, OS types without an OSV ecosystem of their own', () => {
    const types = PACKAGE_TYPES.map((t) => t.type);
    expect(new Set(types).size).toBe(types.length);
    expect(OS_PACKAGE_TYPES).toEqual(['deb', 'apk', 'rpm']);
    for (const t of PACKAGE_TYPES) {
      expect('osv' in t).toBe(!t.os);
      expect(t.grafeas === 'OS').toBe(t.os);
      expect(packageTypeOfPurl(t.purl)).toBe(t.type);
    }
  });

  it.each<[string, boolean, string | undefined, string, string | undefined]>([
    ['deb', true, undefined, 'OS', 'debian packages'],
    ['apk', true, undefined, 'OS', 'alpine packages'],
    ['npm', false, 'npm', 'NPM', 'npm'],
    ['pypi', false, 'PyPI', 'PYPI', 'python'],
    ['golang', false, 'Go', 'GO', 'go'],
    ['cargo', false, 'crates.io', 'CARGO', 'cargo'],
    ['gem', false, 'RubyGems', 'RUBYGEMS', 'ruby'],
    ['composer', false, 'Packagist', 'COMPOSER', 'php'],
    ['nuget', false, undefined, 'NUGET', undefined],
  ])('%s', (type, os, osv, grafeas, label) => {
    expect(isOsPackageType(type)).toBe(os);
    expect(osvEcosystemOfType(type)).toBe(osv);
    expect(grafeasPackageTypeOf(type)).toBe(grafeas);
    expect(packageTypeInfo(type)?.label).toBe(label);
    expect(isPackageType(type)).toBe(label !== undefined);
  });

  it.each([
    ['PyPI', 'pypi'],
    ['crates.io', 'crates.io'],
    ['Debian:12', 'debian'],
    ['Alpine:v3.19', 'alpine'],
    ['Go', 'go'],
  ])('store key of %s is %s', (eco, key) => {
    expect(ecosystemKey(eco)).toBe(key);
  });

  it('reads purl types in any case and refuses those it does not catalogue', () => {
    expect(packageTypeOfPurl('PYPI')).toBe('pypi');
    expect(packageTypeOfPurl('oci')).toBeUndefined();
    expect(packageTypeOfPurl('nuget')).toBeUndefined();
  });
});
