/** A vulnerability report input over the Debian image fixture: OS, npm and PyPI findings, one suppressed by VEX. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_IMAGE } from '../../sbom/testdata/results.js';
import type { SuppressedFinding, VulnerabilityFinding } from '../../core/vulnerability.js';
import type { VulnReportInput } from '../vulns.js';

const pkg = (name: string) => DEBIAN_IMAGE.packages.find((p) => p.name === name)!;

function finding(
  name: string,
  f: Omit<VulnerabilityFinding, 'packageId' | 'packageName' | 'packageType' | 'installedVersion' | 'location'>,
): VulnerabilityFinding {
  const p = pkg(name);
  return {
    ...f,
    packageId: p.id,
    packageName: p.name,
    packageType: p.type,
    installedVersion: p.version,
    location: p.locations[0]!.path,
  };
}

const LIBC: VulnerabilityFinding = finding('libc6', {
  id: 'CVE-2025-4802',
  aliases: ['DSA-5900-1'],
  fixedVersions: ['2.36-9+deb12u15'],
  state: 'fixed',
  severity: {
    severity: 'HIGH',
    source: 'cvss:3.1',
    score: 7.8,
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  },
  title: 'static setuid binary dlopen may incorrectly search LD_LIBRARY_PATH',
  sources: ['debian-tracker'],
});
const ZLIB: VulnerabilityFinding = finding('zlib1g', {
  id: 'CVE-2023-45853',
  aliases: [],
  fixedVersions: [],
  state: 'will-not-fix',
  severity: { severity: 'LOW', source: 'debian' },
  title: 'MiniZip in zlib through 1.3 has an integer overflow',
  sources: ['debian-tracker'],
});
const CRYPTO: VulnerabilityFinding = finding('cryptography', {
  id: 'CVE-2024-26130',
  aliases: ['GHSA-6vqw-3v5j-54x4', 'PYSEC-2024-225'],
  fixedVersions: ['42.0.4', '43.0.0'],
  state: 'fixed',
  severity: {
    severity: 'HIGH',
    source: 'cvss:3.1',
    score: 7.5,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  },
  title: 'NULL pointer dereference with pkcs12.serialize_key_and_certificates',
  sources: ['osv:GHSA-6vqw-3v5j-54x4', 'osv:PYSEC-2024-225'],
});
const PICO: VulnerabilityFinding = finding('picocolors', {
  id: 'GHSA-0000-test-0001',
  aliases: [],
  fixedVersions: ['1.0.2'],
  state: 'fixed',
  severity: {
    severity: 'MEDIUM',
    source: 'cvss:4.0',
    score: 5.3,
    vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N',
  },
  title: 'A test advisory with a CVSS 4.0 vector',
  sources: ['osv:GHSA-0000-test-0001'],
});

const SUPPRESSED: SuppressedFinding = {
  ...ZLIB,
  vex: {
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    impactStatement: 'MiniZip is not built into zlib1g',
    timestamp: '2025-01-02T03:04:05Z',
    source: 'vex/checkout.openvex.json',
    format: 'openvex',
  },
};

export const VULN_INPUT: VulnReportInput = {
  result: DEBIAN_IMAGE,
  match: { findings: [LIBC, ZLIB, CRYPTO, PICO], notes: [] },
  findings: [
    LIBC,
    {
      ...CRYPTO,
      vex: {
        status: 'under_investigation',
        source: 'vex/checkout.cdx.json',
        format: 'cyclonedx',
        analysisState: 'in_triage',
      },
    } as VulnerabilityFinding,
    PICO,
  ],
  suppressed: [SUPPRESSED],
};

export const GOLDEN_VULNS_DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'golden', 'vulns');

/** The golden text for `name`, rewritten from `actual` first when UPDATE_GOLDEN=1. */
export function goldenVulns(name: string, actual: string): string {
  const file = join(GOLDEN_VULNS_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_VULNS_DIR, { recursive: true });
    writeFileSync(file, actual);
  } else if (!existsSync(file))
    throw new Error(`Golden file "${name}" is missing: run the tests with UPDATE_GOLDEN=1 and review it`);
  return readFileSync(file, 'utf8');
}
