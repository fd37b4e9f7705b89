/** `scan --format cyclonedx`: golden file validated against the CycloneDX 1.6 schema, and the mapping rules. */
import { describe, expect, it } from 'vitest';
import { toCycloneDx } from '../sbom/cyclonedx.js';
import { WRITER_OPTS } from '../sbom/testdata/results.js';
import { checkCycloneDxReferences, validateCycloneDx } from '../sbom/validate.js';
import { goldenVulns, VULN_INPUT } from './testdata/vuln-input.js';
import { renderVulnCycloneDx, sourceOfId } from './vuln-cyclonedx.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const OPTS = { toolVersion: WRITER_OPTS.toolVersion, now: WRITER_OPTS.now, serial: WRITER_OPTS.serial };

describe('renderVulnCycloneDx', () => {
  const text = renderVulnCycloneDx(VULN_INPUT, OPTS);
  const doc = JSON.parse(text) as Doc;

  it('matches its golden file, which validates against the CycloneDX 1.6 schema', () => {
    expect(text).toBe(goldenVulns('debian-image.vulns.cdx.json', text));
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
    expect(checkCycloneDxReferences(doc)).toEqual([]);
  });

  it('keeps the SBOM exactly (same components and bom-refs as `portcullis sbom`)', () => {
    const { vulnerabilities, ...rest } = doc;
    expect(vulnerabilities).toHaveLength(4);
    expect(rest).toEqual(toCycloneDx(VULN_INPUT.result, OPTS));
  });

  it('every affects ref names a component; one entry per finding, suppressed ones with their analysis', () => {
    const refs = new Set((doc.components as Doc[]).map((c) => c['bom-ref']));
    for (const v of doc.vulnerabilities as Doc[])
      for (const a of v.affects) expect(refs.has(a.ref)).toBe(true);
    const byId = Object.fromEntries((doc.vulnerabilities as Doc[]).map((v) => [v.id, v]));
    expect(byId['CVE-2023-45853'].analysis).toEqual({
      state: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'MiniZip is not built into zlib1g (OpenVEX justification: vulnerable_code_not_in_execute_path)',
      lastUpdated: '2025-01-02T03:04:05Z',
    });
    expect(byId['CVE-2024-26130'].analysis).toEqual({ state: 'in_triage' });
    expect(byId['CVE-2025-4802'].analysis).toBeUndefined();
  });

  it('maps ids, ratings, aliases, advisories and the fix', () => {
    const v = (doc.vulnerabilities as Doc[]).find((x) => x.id === 'CVE-2024-26130')!;
    expect(v).toMatchObject({
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-26130' },
      references: [
        {
          id: 'GHSA-6vqw-3v5j-54x4',
          source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-6vqw-3v5j-54x4' },
        },
        {
          id: 'PYSEC-2024-225',
          source: { name: 'OSV', url: 'https://osv.dev/vulnerability/PYSEC-2024-225' },
        },
      ],
      ratings: [
        {
          source: { name: 'GitHub' },
          score: 7.5,
          severity: 'high',
          method: 'CVSSv31',
          vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
        },
      ],
      description: 'NULL pointer dereference with pkcs12.serialize_key_and_certificates',
      recommendation: 'Upgrade cryptography to 42.0.4 or 43.0.0.',
      advisories: [
        { url: 'https://github.com/advisories/GHSA-6vqw-3v5j-54x4' },
        { url: 'https://osv.dev/vulnerability/PYSEC-2024-225' },
      ],
      affects: [
        { ref: VULN_INPUT.findings[1]!.packageId, versions: [{ version: '42.0.5', status: 'affected' }] },
      ],
    });
    const methods = Object.fromEntries(
      (doc.vulnerabilities as Doc[]).map((x) => [x.id, x.ratings[0].method]),
    );
    expect(methods).toEqual({
      'CVE-2023-45853': 'other',
      'CVE-2024-26130': 'CVSSv31',
      'CVE-2025-4802': 'CVSSv31',
      'GHSA-0000-test-0001': 'CVSSv4',
    });
    expect((doc.vulnerabilities as Doc[]).find((x) => x.id === 'CVE-2023-45853')!.ratings).toEqual([
      {
        source: { name: 'Debian', url: 'https://security-tracker.debian.org/tracker/' },
        severity: 'low',
        method: 'other',
      },
    ]);
  });

  it.each([
    ['CVE-2024-1', 'NVD'],
    ['GHSA-aaaa-bbbb-cccc', 'GitHub'],
    ['DSA-5900-1', 'Debian'],
    ['DLA-1-1', 'Debian'],
    ['TEMP-0000000-ABCDEF', 'Debian'],
    ['PYSEC-2023-74', 'OSV'],
    ['GO-2024-0001', 'OSV'],
  ])('source of %s is %s', (id, name) => {
    expect(sourceOfId(id).name).toBe(name);
  });

  it('an empty scan is still a valid BOM with an empty vulnerabilities list', () => {
    const d = JSON.parse(renderVulnCycloneDx({ ...VULN_INPUT, findings: [], suppressed: [] }, OPTS)) as Doc;
    expect(d.vulnerabilities).toEqual([]);
    expect(validateCycloneDx(d).valid).toBe(true);
  });
});
