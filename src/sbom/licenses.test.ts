import { describe, expect, it } from 'vitest';
import { classifyLicense, LicenseRefs, toCycloneDxLicenses, toSpdxLicenseExpression } from './licenses.js';

describe('classifyLicense', () => {
  it.each([
    ['MIT', { kind: 'id', id: 'MIT' }],
    ['GPL-2.0', { kind: 'id', id: 'GPL-2.0' }], // deprecated ids stay ids
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+' }],
    ['MPL-1.1+', { kind: 'expression', expression: 'MPL-1.1+' }],
    ['MIT OR Apache-2.0', { kind: 'expression', expression: 'MIT OR Apache-2.0' }],
    ['Apache-2.0 WITH LLVM-exception', { kind: 'expression', expression: 'Apache-2.0 WITH LLVM-exception' }],
    ['(MIT AND BSD-2-Clause) OR ISC', { kind: 'expression', expression: '(MIT AND BSD-2-Clause) OR ISC' }],
    ['mit', { kind: 'text', text: 'mit' }],
    ['Dual License', { kind: 'text', text: 'Dual License' }],
    ['MIT OR LicenseRef-acme', { kind: 'text', text: 'MIT OR LicenseRef-acme' }],
    ['  BSD-3-Clause  ', { kind: 'id', id: 'BSD-3-Clause' }],
  ])('%s', (input, expected) => {
    expect(classifyLicense(input)).toEqual(expected);
  });
});

describe('toCycloneDxLicenses', () => {
  it.each([
    [[], undefined],
    [['MIT'], [{ license: { id: 'MIT' } }]],
    [
      ['MIT', 'ISC', 'MIT'],
      [{ license: { id: 'MIT' } }, { license: { id: 'ISC' } }],
    ],
    [['MIT OR Apache-2.0'], [{ expression: 'MIT OR Apache-2.0' }]],
    [['GPL-2.0-only', 'MIT OR Apache-2.0'], [{ expression: 'GPL-2.0-only AND (MIT OR Apache-2.0)' }]],
    [['MPL-1.1+'], [{ expression: 'MPL-1.1+' }]],
    [['Dual License'], [{ license: { name: 'Dual License' } }]],
    // A name cannot share the list with an expression: everything that is not a plain id becomes a name.
    [
      ['MIT', 'MIT OR Apache-2.0', 'Custom'],
      [
        { license: { id: 'MIT' } },
        { license: { name: 'MIT OR Apache-2.0' } },
        { license: { name: 'Custom' } },
      ],
    ],
  ])('%j', (input, expected) => {
    expect(toCycloneDxLicenses(input)).toEqual(expected);
  });
});

describe('toSpdxLicenseExpression', () => {
  it.each([
    [[], 'NOASSERTION', []],
    [['MIT'], 'MIT', []],
    [['MIT OR Apache-2.0'], 'MIT OR Apache-2.0', []],
    [['GPL-2.0-only', 'MIT OR Apache-2.0'], 'GPL-2.0-only AND (MIT OR Apache-2.0)', []],
    [['Dual License'], 'LicenseRef-Dual-License', ['LicenseRef-Dual-License']],
    [
      ['MIT', 'see LICENSE.txt', 'MIT OR LicenseRef-x'],
      'MIT AND LicenseRef-see-LICENSE.txt AND LicenseRef-MIT-OR-LicenseRef-x',
      ['LicenseRef-see-LICENSE.txt', 'LicenseRef-MIT-OR-LicenseRef-x'],
    ],
    [['© ünknown'], 'LicenseRef-nknown', ['LicenseRef-nknown']],
    [['!!!'], 'LicenseRef-unnamed', ['LicenseRef-unnamed']],
  ])('%j → %s', (input, expected, defined) => {
    const refs = new LicenseRefs();
    expect(toSpdxLicenseExpression(input, refs)).toBe(expected);
    expect(refs.extractedLicensingInfos().map((e) => e.licenseId)).toEqual(defined);
  });

  it('gives different texts different ids and the same text the same id', () => {
    const refs = new LicenseRefs();
    expect([refs.refFor('Apache 2'), refs.refFor('Apache/2'), refs.refFor('Apache 2')]).toEqual([
      'LicenseRef-Apache-2',
      'LicenseRef-Apache-2-2',
      'LicenseRef-Apache-2',
    ]);
    expect(refs.extractedLicensingInfos()).toEqual([
      { licenseId: 'LicenseRef-Apache-2', extractedText: 'Apache 2', name: 'Apache 2' },
      { licenseId: 'LicenseRef-Apache-2-2', extractedText: 'Apache/2', name: 'Apache/2' },
    ]);
  });
});
