import { describe, expect, it } from 'vitest';
import type { ConfigFinding } from './config-finding.js';
import { FINDING_KINDS, findingOfConfig, findingOfHost, findingOfSecret, findingOfVulnerability, type Finding } from './finding.js';
import type { HostFinding } from './host-finding.js';
import type { SecretFinding } from './secret-finding.js';
import type { VulnerabilityFinding } from './vulnerability.js';

const VULN: VulnerabilityFinding = {
  id: 'CVE-2023-4911',
  aliases: ['DSA-5514-1'],
  packageId: 'p1',
  packageName: 'libc6',
  packageType: 'deb',
  purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64',
  layerDiffId: 'sha256:aaaa',
  installedVersion: '2.36-9',
  fixedVersions: ['2.36-9+deb12u3'],
  state: 'fixed',
  severity: { severity: 'HIGH', source: 'cvss:3.1', score: 7.8 },
  title: 'Looney Tunables',
  sources: ['debian-tracker'],
  location: '/var/lib/dpkg/status',
};

const UNFIXED: VulnerabilityFinding = { ...VULN, id: 'CVE-2024-1', fixedVersions: [], state: 'unfixed', severity: undefined, title: undefined, purl: undefined, layerDiffId: undefined, location: undefined };

const SECRET: SecretFinding = {
  ruleId: 'github-pat',
  category: 'GitHub',
  title: 'GitHub personal access token',
  severity: 'CRITICAL',
  line: 3,
  match: 'token=ghp_*****',
  source: 'file',
  path: '/app/.env',
  layer: { index: 2, diffId: 'sha256:bbbb' },
};

const CONFIG: ConfigFinding = {
  ruleId: 'pss/restricted/runAsNonRoot',
  ruleSet: 'pss',
  title: 'Running as non-root',
  severity: 'MEDIUM',
  message: 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
  object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  file: 'deploy.yaml',
  line: 12,
  column: 9,
  field: 'spec.template.spec.securityContext',
  related: [{ field: 'spec.template.spec.containers[0].securityContext', line: 20, column: 13 }],
  remediation: 'Set securityContext.runAsNonRoot: true.',
  links: [],
};

const HOST: HostFinding = {
  ruleId: 'sshd/permit-root-login',
  title: 'SSH root login is disabled',
  severity: 'HIGH',
  host: 'node-1',
  source: '/etc/ssh/sshd_config',
  fact: 'PermitRootLogin',
  expected: 'no',
  remediation: 'Set PermitRootLogin no and reload sshd.',
};

describe('Finding', () => {
  it.each<[string, Finding, Omit<Finding, 'detail'>]>([
    [
      'vulnerability',
      findingOfVulnerability(VULN),
      {
        kind: 'vulnerability',
        id: 'CVE-2023-4911',
        severity: 'HIGH',
        title: 'Looney Tunables',
        target: 'pkg:deb/debian/libc6@2.36-9?arch=amd64',
        location: { path: '/var/lib/dpkg/status', layerDiffId: 'sha256:aaaa' },
        evidence: [
          { name: 'installed', value: 'libc6 2.36-9' },
          { name: 'advisory', value: 'debian-tracker' },
          { name: 'layer', value: 'sha256:aaaa' },
        ],
        fix: 'Upgrade libc6 to 2.36-9+deb12u3',
      },
    ],
    [
      'vulnerability without fix, severity or location',
      findingOfVulnerability(UNFIXED),
      {
        kind: 'vulnerability',
        id: 'CVE-2024-1',
        severity: 'UNKNOWN',
        title: 'CVE-2024-1',
        target: 'libc6@2.36-9',
        evidence: [
          { name: 'installed', value: 'libc6 2.36-9' },
          { name: 'advisory', value: 'debian-tracker' },
        ],
      },
    ],
    [
      'secret',
      findingOfSecret(SECRET),
      {
        kind: 'secret',
        id: 'secret/github-pat',
        severity: 'CRITICAL',
        title: 'GitHub personal access token',
        target: '/app/.env',
        location: { path: '/app/.env', line: 3, layerDiffId: 'sha256:bbbb' },
        evidence: [
          { name: 'match', value: 'token=ghp_*****' },
          { name: 'layer', value: 'sha256:bbbb' },
        ],
        fix: expect.stringMatching(/rotate/) as unknown as string,
      },
    ],
    [
      'config',
      findingOfConfig(CONFIG),
      {
        kind: 'config',
        id: 'pss/restricted/runAsNonRoot',
        severity: 'MEDIUM',
        title: 'Running as non-root',
        target: 'Deployment/shop/web',
        location: { path: 'deploy.yaml', line: 12, column: 9, field: 'spec.template.spec.securityContext' },
        evidence: [
          { name: 'message', value: CONFIG.message },
          { name: 'field', value: 'spec.template.spec.securityContext' },
          { name: 'field', value: 'spec.template.spec.containers[0].securityContext' },
        ],
        fix: 'Set securityContext.runAsNonRoot: true.',
      },
    ],
    [
      'host',
      findingOfHost(HOST),
      {
        kind: 'host',
        id: 'sshd/permit-root-login',
        severity: 'HIGH',
        title: 'SSH root login is disabled',
        target: 'node-1',
        location: { path: '/etc/ssh/sshd_config', field: 'PermitRootLogin' },
        evidence: [
          { name: 'expected', value: 'no' },
          { name: 'actual', value: '(not set)' },
        ],
        fix: 'Set PermitRootLogin no and reload sshd.',
      },
    ],
  ])('%s', (_name, finding, want) => {
    const { detail, ...common } = finding;
    expect(common).toEqual(want);
    expect(FINDING_KINDS).toContain(finding.kind);
    // The kind's own record is kept as it was, so its reports render it unchanged.
    expect([VULN, UNFIXED, SECRET, CONFIG, HOST]).toContain(detail);
  });

  it('narrows on kind', () => {
    const all: Finding[] = [findingOfVulnerability(VULN), findingOfSecret(SECRET), findingOfConfig(CONFIG), findingOfHost(HOST)];
    const described = all.map((f) => {
      switch (f.kind) {
        case 'vulnerability':
          return f.detail.packageName;
        case 'secret':
          return f.detail.category;
        case 'config':
          return f.detail.object.kind;
        case 'host':
          return f.detail.fact;
      }
    });
    expect(described).toEqual(['libc6', 'GitHub', 'Deployment', 'PermitRootLogin']);
  });
});
