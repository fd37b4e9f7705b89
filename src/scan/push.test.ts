/**
 * The scan → Grafeas mapping of `scan --push`: the resource URI rule per transport, note ids for
 * any name, and the replaceScan request a scan becomes (validated by the metadata parser, so
 * the server accepts every piece of it).
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo, CatalogResult } from '../core/types.js';
import { parseNoteInput, parseOccurrenceInput } from '../metadata/proto-json.js';
import { isValidId } from '../metadata/names.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { buildScanRecord, noteIdOf, normalizeFingerprint, pushResourceUri, resourceUriOf } from './push.js';

const D = 'sha256:' + 'a1'.repeat(32);
const art = (a: Partial<ArtifactInfo>): ArtifactInfo => ({
  reference: 'x',
  transport: 'docker',
  layers: [],
  ...a,
});

describe('resourceUriOf', () => {
  it.each([
    [
      'registry image',
      art({ reference: 'docker://127.0.0.1:5000/team/app:1', digest: D }),
      `https://127.0.0.1:5000/team/app@${D}`,
    ],
    [
      'Docker Hub image',
      art({ reference: 'docker://docker.io/library/debian:12', digest: D }),
      `https://docker.io/library/debian@${D}`,
    ],
    [
      'OCI layout named by a full reference',
      art({ transport: 'oci', reference: 'oci:/l:ghcr.io/o/app:2', tag: 'ghcr.io/o/app:2', digest: D }),
      `https://ghcr.io/o/app@${D}`,
    ],
    ['OCI layout tagged "app"', art({ transport: 'oci', tag: 'app', digest: D }), undefined],
    ['OCI archive without a name', art({ transport: 'oci-archive', digest: D }), undefined],
    [
      'docker-archive (no manifest digest)',
      art({ transport: 'docker-archive', repository: 'app' }),
      undefined,
    ],
    [
      'docker-archive with a digest',
      art({ transport: 'docker-archive', repository: 'localhost:5000/app', digest: D }),
      `https://localhost:5000/app@${D}`,
    ],
    ['rootfs', art({ transport: 'rootfs', digest: D }), undefined],
  ])('%s', (_what, a, want) => {
    expect(resourceUriOf(a)).toBe(want);
  });

  it('explains a refusal, and takes an explicit URI', () => {
    const result: CatalogResult = {
      artifact: art({ transport: 'rootfs', reference: 'rootfs:/srv' }),
      packages: [],
      unknowns: [],
    };
    expect(() => pushResourceUri(result)).toThrowCode('USAGE', '"rootfs:/srv"');
    expect(pushResourceUri(result, 'file:///srv')).toBe('file:///srv');
    expect(() => pushResourceUri(result, 'not a uri')).toThrowCode('USAGE', ['--push-resource-uri', '"not a uri"']);
  });
});

describe('noteIdOf', () => {
  it.each([
    'CVE-2024-1234',
    'pkg-npm-@scope/name',
    'pkg-golang-example.com/m/v2',
    '_x',
    'ünïcode',
    'a'.repeat(400),
  ])('%s is a valid, distinct note id', (s) => {
    expect(isValidId(noteIdOf(s))).toBe(true);
  });
  it('keeps distinct names distinct', () => {
    expect(noteIdOf('pkg-npm-@a/b')).not.toBe(noteIdOf('pkg-npm-~40a~2fb'));
    expect(noteIdOf('CVE-2024-1')).toBe('CVE-2024-1');
  });
});

it('normalizes fingerprints', () => {
  expect(normalizeFingerprint('AB:'.repeat(31) + 'AB')).toBe('ab'.repeat(32));
  expect(() => normalizeFingerprint('AB:CD')).toThrowCode('USAGE', ['--push-fingerprint', '"AB:CD"']);
});

describe('buildScanRecord', () => {
  const result: CatalogResult = {
    artifact: art({ reference: 'docker://r.example/app:1', digest: D }),
    os: { id: 'debian', versionId: '12' },
    packages: [
      {
        id: 'p1',
        name: 'openssl',
        version: '1:3.0.11-1~deb12u2',
        type: 'deb',
        purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2',
        foundBy: 'dpkg',
        licenses: ['Apache-2.0'],
        locations: [{ path: '/var/lib/dpkg/status' }],
        arch: 'amd64',
      },
      {
        id: 'p2',
        name: '@scope/lib',
        version: '1.2.3',
        type: 'npm',
        purl: 'pkg:npm/%40scope/lib@1.2.3',
        foundBy: 'npm-lock',
        licenses: [],
        locations: [{ path: '/app/package-lock.json' }],
      },
    ],
    unknowns: [],
  };
  const findings: VulnerabilityFinding[] = [
    {
      id: 'CVE-2024-0001',
      aliases: ['DSA-1'],
      packageId: 'p1',
      packageName: 'openssl',
      packageType: 'deb',
      installedVersion: '1:3.0.11-1~deb12u2',
      fixedVersions: ['1:3.0.13-1~deb12u1'],
      state: 'fixed',
      severity: { severity: 'HIGH', source: 'cvss:3.1', score: 7.5 },
      title: 'A flaw',
      sources: ['debian-tracker'],
    },
    {
      id: 'GHSA-aaaa-bbbb-cccc',
      aliases: [],
      packageId: 'p2',
      packageName: '@scope/lib',
      packageType: 'npm',
      installedVersion: '1.2.3',
      fixedVersions: [],
      state: 'unfixed',
      sources: ['osv:GHSA-aaaa-bbbb-cccc'],
      location: '/app/package-lock.json',
    },
  ];
  const rec = buildScanRecord({
    result,
    findings,
    coverage: ['no advisory data for x'],
    resourceUri: `https://r.example/app@${D}`,
    notesProject: 'vulns',
    toolVersion: '0.1.0',
    now: new Date('2024-05-01T00:00:00Z'),
  });

  it('is one DISCOVERY, a PACKAGE per package and a VULNERABILITY per finding, every one valid', () => {
    expect(rec.occurrences.map((o) => parseOccurrenceInput(o).kind)).toEqual([
      'DISCOVERY',
      'PACKAGE',
      'PACKAGE',
      'VULNERABILITY',
      'VULNERABILITY',
    ]);
    for (const [id, n] of Object.entries(rec.notes)) {
      expect(isValidId(id)).toBe(true);
      parseNoteInput(n);
    }
    for (const o of rec.occurrences)
      expect(rec.notes[(o.noteName as string).split('/').pop()!]).toBeDefined();
  });

  it('carries severity, CVSS, fix, versions and the coverage gaps', () => {
    expect(rec.notes['CVE-2024-0001']).toMatchObject({
      shortDescription: 'A flaw',
      relatedUrl: [
        { url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001' },
        { url: 'https://osv.dev/vulnerability/DSA-1' },
        { url: 'https://security-tracker.debian.org/tracker/CVE-2024-0001' },
      ],
      vulnerability: {
        severity: 'HIGH',
        cvssScore: 7.5,
        cvssVersion: 'CVSS_VERSION_3',
        details: [
          {
            affectedPackage: 'openssl',
            packageType: 'OS',
            fixedVersion: { epoch: 1, name: '3.0.13', revision: '1~deb12u1' },
          },
        ],
      },
    });
    expect(rec.occurrences[3]).toMatchObject({
      remediation: 'Upgrade openssl to 1:3.0.13-1~deb12u1',
      vulnerability: {
        effectiveSeverity: 'HIGH',
        fixAvailable: true,
        packageIssue: [{ affectedVersion: { epoch: 1, name: '3.0.11', revision: '1~deb12u2' } }],
      },
    });
    expect(rec.occurrences[4]).toMatchObject({
      vulnerability: {
        severity: 'SEVERITY_UNSPECIFIED',
        fixAvailable: false,
        type: 'NPM',
        packageIssue: [
          { fixedVersion: { kind: 'MAXIMUM' }, fileLocation: [{ filePath: '/app/package-lock.json' }] },
        ],
      },
    });
    expect(rec.occurrences[1]).toMatchObject({
      package: { name: 'openssl', architecture: 'X64', license: { expression: 'Apache-2.0' } },
    });
    expect(rec.occurrences[0]).toMatchObject({
      discovery: {
        analysisStatus: 'FINISHED_SUCCESS',
        analysisError: [{ code: 9, message: 'no advisory data for x' }],
        lastScanTime: '2024-05-01T00:00:00.000Z',
      },
    });
    expect(rec.occurrences[2]!.noteName).toBe('projects/vulns/notes/pkg-npm-~40scope~2flib');
  });

  it('gives every packageIssue and note detail its affectedCpeUri (required by Grafeas)', () => {
    const issues = rec.occurrences.flatMap((o) => ((o.vulnerability as { packageIssue?: Record<string, unknown>[] })?.packageIssue ?? []));
    expect(issues).toHaveLength(2);
    for (const i of issues) expect(i).toMatchObject({ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', fixedCpeUri: 'cpe:/o:debian:debian_linux:12' });
    const details = Object.values(rec.notes).flatMap((n) => ((n.vulnerability as { details?: Record<string, unknown>[] })?.details ?? []));
    expect(details).toHaveLength(2);
    for (const d of details) expect(d.affectedCpeUri).toBe('cpe:/o:debian:debian_linux:12');
    expect((rec.occurrences[0]!.discovery as { cpe: string }).cpe).toBe('cpe:/o:debian:debian_linux:12');
  });

  it('derives the CPE from the package purl when the scan knows no OS', () => {
    const { os: _os, ...noOs } = result;
    const r = buildScanRecord({ result: noOs, findings, resourceUri: `https://r.example/app@${D}`, toolVersion: '0.1.0' });
    const cpes = r.occurrences.flatMap((o) => ((o.vulnerability as { packageIssue?: { affectedCpeUri: string }[] })?.packageIssue ?? []).map((i) => i.affectedCpeUri));
    expect(cpes).toEqual(['cpe:/a:debian:openssl:1%3a3.0.11-1~deb12u2', 'cpe:/a:%40scope:lib:1.2.3']);
  });
});
