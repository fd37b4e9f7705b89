import { describe, expect, it } from 'vitest';
import { filterFindings, parseIgnoreFile } from './filter.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { parseSeverityList } from '../core/severity.js';

const f = (
  id: string,
  sev: 'LOW' | 'HIGH',
  fixed: string[],
  location = '/app/package-lock.json',
  aliases: string[] = [],
): VulnerabilityFinding => ({
  id,
  aliases,
  packageId: 'p',
  packageName: 'x',
  packageType: 'npm',
  installedVersion: '1',
  fixedVersions: fixed,
  state: fixed.length ? 'fixed' : 'unfixed',
  severity: { severity: sev, source: 'test' },
  sources: [],
  location,
});

describe('filters', () => {
  const all = [
    f('CVE-1', 'LOW', []),
    f('CVE-2', 'HIGH', ['2']),
    f('CVE-3', 'HIGH', ['2'], '/srv/x/package-lock.json', ['GHSA-3']),
  ];
  it.each([
    ['severity HIGH', { severities: parseSeverityList('high') }, ['CVE-2', 'CVE-3']],
    ['ignore unfixed', { ignoreUnfixed: true }, ['CVE-2', 'CVE-3']],
    ['ignore by alias', { ignore: parseIgnoreFile('GHSA-3\n', 'x') }, ['CVE-1', 'CVE-2']],
    [
      'ignore scoped to a path glob',
      { ignore: parseIgnoreFile('CVE-3 path:/app/**\nCVE-2 path:/app/**', 'x') },
      ['CVE-1', 'CVE-3'],
    ],
    [
      'expired ignore no longer applies',
      { ignore: parseIgnoreFile('CVE-1 exp:2020-01-01', 'x'), now: new Date('2026-01-01') },
      ['CVE-1', 'CVE-2', 'CVE-3'],
    ],
  ])('%s', (_n, opts, ids) => {
    expect(filterFindings(all, opts).map((x) => x.id)).toEqual(ids);
  });
  it('rejects unknown severities and options', () => {
    expect(() => parseSeverityList('HIGH,SEVERE')).toThrowCode('USAGE', '"SEVERE"');
    expect(() => parseIgnoreFile('CVE-1 until:tomorrow', 'f')).toThrowCode('USAGE', ['f:1:', '"until:tomorrow"']);
  });
});
