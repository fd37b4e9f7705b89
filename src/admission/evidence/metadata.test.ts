import { describe, expect, it } from 'vitest';
import { reportOfOccurrences } from './metadata.js';

const vuln = (id: string, severity: string, fix: boolean, createTime = '2026-11-30T10:00:00Z') => ({
  name: `projects/p/occurrences/${id}-o`,
  kind: 'VULNERABILITY',
  noteName: `projects/portcullis/notes/${id}`,
  createTime,
  vulnerability: { effectiveSeverity: severity, fixAvailable: fix, packageIssue: [{ affectedPackage: 'openssl', fixAvailable: fix }] },
});

describe('reportOfOccurrences (what scan --push records)', () => {
  it('takes the scan time from the newest DISCOVERY occurrence and maps severities', () => {
    const r = reportOfOccurrences([
      { name: 'projects/p/occurrences/old', kind: 'DISCOVERY', createTime: '2026-11-01T00:00:00Z', discovery: { lastScanTime: '2026-11-01T00:00:00Z' } },
      { name: 'projects/p/occurrences/scan', kind: 'DISCOVERY', createTime: '2026-11-30T10:00:00Z', discovery: { lastScanTime: '2026-11-30T09:59:00Z' } },
      vuln('CVE-2024-0001', 'CRITICAL', true),
      vuln('CVE-2024-0002', 'MINIMAL', false),
      vuln('GHSA-x~3ay', 'SEVERITY_UNSPECIFIED', false),
    ]);
    expect(r).toMatchObject({ scannedAt: new Date('2026-11-30T09:59:00Z'), scanId: 'projects/p/occurrences/scan', source: 'metadata' });
    expect(r!.findings).toEqual([
      { id: 'CVE-2024-0001', severity: 'CRITICAL', fixable: true, package: 'openssl', evidenceId: 'projects/p/occurrences/CVE-2024-0001-o' },
      { id: 'CVE-2024-0002', severity: 'LOW', fixable: false, package: 'openssl', evidenceId: 'projects/p/occurrences/CVE-2024-0002-o' },
      { id: 'GHSA-x:y', severity: 'UNKNOWN', fixable: false, package: 'openssl', evidenceId: 'projects/p/occurrences/GHSA-x~3ay-o' },
    ]);
  });

  it.each([
    ['a clean scan (DISCOVERY only) is evidence with no findings', [{ name: 'projects/p/occurrences/s', kind: 'DISCOVERY', createTime: '2026-11-30T00:00:00Z', discovery: {} }], 0],
    ['findings without DISCOVERY: the oldest create time', [vuln('CVE-1', 'HIGH', true, '2026-11-29T00:00:00Z'), vuln('CVE-2', 'HIGH', true, '2026-11-30T00:00:00Z')], 2],
  ])('%s', (_name, occ, n) => {
    const r = reportOfOccurrences(occ);
    expect(r!.findings).toHaveLength(n);
    expect(r!.scannedAt.toISOString().slice(0, 10)).toBe(n === 2 ? '2026-11-29' : '2026-11-30');
  });

  it('no occurrences is no evidence (not "0 vulnerabilities")', () => {
    expect(reportOfOccurrences([])).toBeUndefined();
  });
});
