/** VEX: purl and image matching, statement selection (timestamps, aliases), suppression, both readers. */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo, CatalogResult, Package } from '../core/types.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { applyVex, matchesArtifact, parseVex, purlMatches, type VexStatement } from './vex.js';

const TAR_PURL = 'pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12';
const IMAGE: ArtifactInfo = {
  reference: 'docker://registry.example.com/shop/checkout:2.4.1',
  transport: 'docker',
  repository: 'registry.example.com/shop/checkout',
  tag: '2.4.1',
  digest: `sha256:${'a'.repeat(64)}`,
  imageId: `sha256:${'b'.repeat(64)}`,
  layers: [],
};
const pkg = (id: string, name: string, version: string, purl: string): Package => ({
  id,
  name,
  version,
  type: purl.startsWith('pkg:deb') ? 'deb' : 'npm',
  purl,
  foundBy: 'test',
  licenses: [],
  locations: [{ path: '/var/lib/dpkg/status' }],
});
const RESULT: CatalogResult = {
  artifact: IMAGE,
  packages: [
    pkg('0000000000000001', 'tar', '1.34+dfsg-1.2+deb12u1', TAR_PURL),
    pkg('0000000000000002', 'semver', '7.5.1', 'pkg:npm/semver@7.5.1'),
  ],
  unknowns: [],
};
const finding = (id: string, packageId: string, aliases: string[] = []): VulnerabilityFinding => ({
  id,
  aliases,
  packageId,
  packageName: packageId.endsWith('1') ? 'tar' : 'semver',
  packageType: 'deb',
  installedVersion: '1',
  fixedVersions: [],
  state: 'unfixed',
  sources: [],
});
const TAR_CVE = finding('CVE-2005-2541', '0000000000000001');
const SEMVER_CVE = finding('CVE-2022-25883', '0000000000000002', ['GHSA-c2qf-rxjj-qqgw']);

describe('purlMatches', () => {
  it.each([
    ['pkg:deb/debian/tar', TAR_PURL, true],
    ['pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1', TAR_PURL, true],
    ['pkg:deb/debian/tar@1.34+dfsg-1.2+deb12u1?arch=amd64', TAR_PURL, true],
    [TAR_PURL, TAR_PURL, true],
    ['pkg:deb/debian/tar?distro=debian-12', TAR_PURL, true],
    ['pkg:deb/debian/tar@1.35', TAR_PURL, false],
    ['pkg:deb/debian/tar?arch=arm64', TAR_PURL, false],
    ['pkg:deb/debian/tar?arch=amd64&distro=debian-13', TAR_PURL, false],
    ['pkg:deb/ubuntu/tar', TAR_PURL, false],
    ['pkg:rpm/debian/tar', TAR_PURL, false],
    ['pkg:deb/debian/tar-doc', TAR_PURL, false],
    ['pkg:npm/semver', 'pkg:npm/semver@7.5.1', true],
    ['pkg:npm/%40scope/x@1', 'pkg:npm/%40scope/x@1', true],
    ['pkg:npm/x@1', 'pkg:npm/%40scope/x@1', false],
    ['not a purl', TAR_PURL, false],
  ])('%s covers %s: %s', (pattern, purl, expected) => {
    expect(purlMatches(pattern, purl)).toBe(expected);
  });
});

describe('matchesArtifact', () => {
  it.each([
    ['docker://registry.example.com/shop/checkout:2.4.1', true],
    ['registry.example.com/shop/checkout:2.4.1', true],
    ['registry.example.com/shop/checkout', true],
    ['registry.example.com/shop/checkout:2.5.0', false],
    ['registry.example.com/other/checkout', false],
    [`registry.example.com/shop/checkout@sha256:${'a'.repeat(64)}`, true],
    [`sha256:${'b'.repeat(64)}`, true],
    [`sha256:${'c'.repeat(64)}`, false],
    [`pkg:oci/checkout@sha256%3A${'a'.repeat(64)}?repository_url=registry.example.com/shop/checkout`, true],
    ['pkg:oci/checkout?tag=2.4.1', true],
    ['pkg:oci/checkout?repository_url=docker.io/library/checkout', false],
    ['pkg:oci/other', false],
    ['pkg:deb/debian/tar', false],
  ])('%s: %s', (id, expected) => {
    expect(matchesArtifact(id, IMAGE)).toBe(expected);
  });

  it('normalises Docker Hub names', () => {
    const hub = {
      ...IMAGE,
      repository: 'docker.io/library/debian',
      tag: '12',
      reference: 'docker://docker.io/library/debian:12',
    };
    expect(
      [
        'debian',
        'debian:12',
        'library/debian:12',
        'docker.io/debian',
        'index.docker.io/library/debian:12',
      ].map((r) => matchesArtifact(r, hub)),
    ).toEqual([true, true, true, true, true]);
    expect(matchesArtifact('debian:11', hub)).toBe(false);
  });
});

const st = (over: Partial<VexStatement>): VexStatement => ({
  vulnerability: 'CVE-2005-2541',
  aliases: [],
  products: [{ ids: ['pkg:deb/debian/tar'], subcomponents: [] }],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  source: 'a.vex.json',
  format: 'openvex',
  ...over,
});

describe('applyVex', () => {
  const run = (statements: VexStatement[], findings = [TAR_CVE, SEMVER_CVE]) => {
    const r = applyVex(findings, { result: RESULT, statements });
    return {
      kept: r.findings.map((f) => `${f.id}${f.vex ? `:${f.vex.status}` : ''}`),
      suppressed: r.suppressed.map((f) => `${f.id}:${f.vex.status}:${f.vex.source}`),
    };
  };

  it.each<[string, VexStatement[], string[], string[]]>([
    ['no statements', [], ['CVE-2005-2541', 'CVE-2022-25883'], []],
    ['not_affected suppresses', [st({})], ['CVE-2022-25883'], ['CVE-2005-2541:not_affected:a.vex.json']],
    ['fixed suppresses', [st({ status: 'fixed' })], ['CVE-2022-25883'], ['CVE-2005-2541:fixed:a.vex.json']],
    [
      'affected keeps, attached',
      [st({ status: 'affected' })],
      ['CVE-2005-2541:affected', 'CVE-2022-25883'],
      [],
    ],
    [
      'under_investigation keeps, attached',
      [st({ status: 'under_investigation' })],
      ['CVE-2005-2541:under_investigation', 'CVE-2022-25883'],
      [],
    ],
    [
      'other vulnerability: no effect',
      [st({ vulnerability: 'CVE-2099-0001' })],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
    [
      'other package: no effect',
      [st({ products: [{ ids: ['pkg:deb/debian/gzip'], subcomponents: [] }] })],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
    [
      'statement named by the finding alias',
      [
        st({
          vulnerability: 'GHSA-c2qf-rxjj-qqgw',
          products: [{ ids: ['pkg:npm/semver'], subcomponents: [] }],
        }),
      ],
      ['CVE-2005-2541'],
      ['CVE-2022-25883:not_affected:a.vex.json'],
    ],
    [
      'statement alias equals the finding id',
      [
        st({
          vulnerability: 'GHSA-XXXX',
          aliases: ['CVE-2022-25883'],
          products: [{ ids: ['pkg:npm/semver@7.5.1'], subcomponents: [] }],
        }),
      ],
      ['CVE-2005-2541'],
      ['CVE-2022-25883:not_affected:a.vex.json'],
    ],
    [
      'alias case-insensitive',
      [
        st({
          vulnerability: 'ghsa-C2QF-rxjj-qqgw',
          products: [{ ids: ['pkg:npm/semver'], subcomponents: [] }],
        }),
      ],
      ['CVE-2005-2541'],
      ['CVE-2022-25883:not_affected:a.vex.json'],
    ],
    [
      '@id URL last segment',
      [st({ vulnerability: 'x', aliases: ['https://nvd.nist.gov/vuln/detail/CVE-2005-2541'] })],
      ['CVE-2022-25883'],
      ['CVE-2005-2541:not_affected:a.vex.json'],
    ],
    [
      'version mismatch: no effect',
      [
        st({
          products: [{ ids: ['pkg:npm/semver@7.5.2'], subcomponents: [] }],
          vulnerability: 'CVE-2022-25883',
        }),
      ],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
    [
      'package id (bom-ref) as product',
      [st({ products: [{ ids: ['0000000000000001'], subcomponents: [] }] })],
      ['CVE-2022-25883'],
      ['CVE-2005-2541:not_affected:a.vex.json'],
    ],
    [
      'the image as product: every package',
      [st({ products: [{ ids: ['registry.example.com/shop/checkout:2.4.1'], subcomponents: [] }] })],
      ['CVE-2022-25883'],
      ['CVE-2005-2541:not_affected:a.vex.json'],
    ],
    [
      'image + subcomponent',
      [
        st({
          products: [
            { ids: [`pkg:oci/checkout@sha256%3A${'a'.repeat(64)}`], subcomponents: [['pkg:deb/debian/tar']] },
          ],
        }),
      ],
      ['CVE-2022-25883'],
      ['CVE-2005-2541:not_affected:a.vex.json'],
    ],
    [
      'other image + subcomponent: no effect',
      [
        st({
          products: [{ ids: ['registry.example.com/shop/cart'], subcomponents: [['pkg:deb/debian/tar']] }],
        }),
      ],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
    [
      'image + other subcomponent: no effect',
      [
        st({
          products: [
            { ids: ['registry.example.com/shop/checkout'], subcomponents: [['pkg:deb/debian/gzip']] },
          ],
        }),
      ],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
    [
      'CycloneDX versions limit: listed',
      [
        st({
          products: [{ ids: ['pkg:deb/debian/tar'], subcomponents: [], versions: ['1.34+dfsg-1.2+deb12u1'] }],
        }),
      ],
      ['CVE-2022-25883'],
      ['CVE-2005-2541:not_affected:a.vex.json'],
    ],
    [
      'CycloneDX versions limit: not listed',
      [st({ products: [{ ids: ['pkg:deb/debian/tar'], subcomponents: [], versions: [] }] })],
      ['CVE-2005-2541', 'CVE-2022-25883'],
      [],
    ],
  ])('%s', (_name, statements, kept, suppressed) => {
    expect(run(statements)).toEqual({ kept, suppressed });
  });

  it.each<[string, VexStatement[], string]>([
    [
      'later timestamp wins (affected after not_affected)',
      [
        st({ timestamp: '2024-01-01T00:00:00Z' }),
        st({ status: 'affected', timestamp: '2024-02-01T00:00:00Z', source: 'b' }),
      ],
      'kept:affected:b',
    ],
    [
      'later timestamp wins whatever the order',
      [
        st({ status: 'affected', timestamp: '2024-02-01T00:00:00Z', source: 'b' }),
        st({ timestamp: '2024-01-01T00:00:00Z' }),
      ],
      'kept:affected:b',
    ],
    [
      'not_affected after under_investigation',
      [
        st({ status: 'under_investigation', timestamp: '2024-01-01T00:00:00Z' }),
        st({ timestamp: '2024-01-01T12:00:00+01:00', source: 'b' }),
        st({ status: 'affected', timestamp: '2023-12-31T00:00:00Z', source: 'c' }),
      ],
      'suppressed:not_affected:b',
    ],
    [
      'equal timestamps: the one read last',
      [
        st({ timestamp: '2024-01-01T00:00:00Z' }),
        st({ status: 'fixed', timestamp: '2024-01-01T00:00:00.000Z', source: 'b' }),
      ],
      'suppressed:fixed:b',
    ],
    [
      'no timestamp loses to any timestamp',
      [st({ status: 'affected', timestamp: '2000-01-01T00:00:00Z', source: 'b' }), st({})],
      'kept:affected:b',
    ],
    [
      'product-wide statement vs later package statement',
      [
        st({
          products: [{ ids: ['registry.example.com/shop/checkout'], subcomponents: [] }],
          timestamp: '2024-01-01T00:00:00Z',
        }),
        st({ status: 'under_investigation', timestamp: '2024-03-01T00:00:00Z', source: 'b' }),
      ],
      'kept:under_investigation:b',
    ],
  ])('%s', (_name, statements, expected) => {
    const r = applyVex([TAR_CVE], { result: RESULT, statements });
    const got = r.suppressed[0]
      ? `suppressed:${r.suppressed[0].vex.status}:${r.suppressed[0].vex.source}`
      : `kept:${r.findings[0]!.vex?.status}:${r.findings[0]!.vex?.source}`;
    expect(got).toBe(expected);
  });

  it('keeps the statement details with the finding', () => {
    const r = applyVex([TAR_CVE], {
      result: RESULT,
      statements: [
        st({
          impactStatement: 'tar is never run',
          actionStatement: 'none',
          timestamp: '2024-01-01T00:00:00Z',
        }),
      ],
    });
    expect(r.suppressed).toEqual([
      {
        ...TAR_CVE,
        vex: {
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impactStatement: 'tar is never run',
          actionStatement: 'none',
          timestamp: '2024-01-01T00:00:00Z',
          source: 'a.vex.json',
          format: 'openvex',
        },
      },
    ]);
  });
});

const openvex = (statements: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.com/vex/1',
    author: 'Shop security',
    timestamp: '2024-01-01T00:00:00Z',
    version: 1,
    statements,
    ...extra,
  });
const OV_OK = {
  vulnerability: { name: 'CVE-2005-2541', aliases: ['DSA-0000-1'] },
  products: [{ '@id': 'pkg:deb/debian/tar' }],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
};

describe('OpenVEX reader', () => {
  it('reads statements; statement timestamps default to the document’s', () => {
    const s = parseVex(
      openvex([
        OV_OK,
        {
          vulnerability: { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-1', name: 'CVE-1' },
          timestamp: '2024-05-01T00:00:00Z',
          products: [
            {
              '@id': 'registry.example.com/shop/checkout',
              identifiers: { purl: 'pkg:oci/checkout' },
              subcomponents: [{ identifiers: { purl: 'pkg:npm/semver' } }],
            },
          ],
          status: 'affected',
          action_statement: 'Upgrade',
        },
      ]),
      'x.json',
    );
    expect(s).toEqual([
      {
        vulnerability: 'CVE-2005-2541',
        aliases: ['DSA-0000-1'],
        products: [{ ids: ['pkg:deb/debian/tar'], subcomponents: [] }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        timestamp: '2024-01-01T00:00:00Z',
        source: 'x.json',
        format: 'openvex',
      },
      {
        vulnerability: 'CVE-1',
        aliases: ['https://nvd.nist.gov/vuln/detail/CVE-1'],
        products: [
          {
            ids: ['registry.example.com/shop/checkout', 'pkg:oci/checkout'],
            subcomponents: [['pkg:npm/semver']],
          },
        ],
        status: 'affected',
        actionStatement: 'Upgrade',
        timestamp: '2024-05-01T00:00:00Z',
        source: 'x.json',
        format: 'openvex',
      },
    ]);
  });

  it.each([
    ['not JSON', '{', []],
    ['neither format', '{"hello":1}', ['"@context"', '"bomFormat"']],
    [
      'other OpenVEX version',
      openvex([], { '@context': 'https://openvex.dev/ns/v0.0.1' }),
      ['"@context"', 'https://openvex.dev/ns/v0.0.1'],
    ],
    [
      'statements missing',
      JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0' }),
      ['"statements"'],
    ],
    ['bad status', openvex([{ ...OV_OK, status: 'safe' }]), ['statements[0].status', '"safe"']],
    [
      'bad justification',
      openvex([{ ...OV_OK, justification: 'trust me' }]),
      ['statements[0].justification', '"trust me"'],
    ],
    [
      'not_affected without reason',
      openvex([{ ...OV_OK, justification: undefined }]),
      ['statements[0]', 'justification', 'impact_statement'],
    ],
    [
      'no vulnerability name',
      openvex([{ ...OV_OK, vulnerability: { '@id': 'x' } }]),
      ['statements[0].vulnerability.name'],
    ],
    [
      'vulnerability as a string',
      openvex([{ ...OV_OK, vulnerability: 'CVE-1' }]),
      ['statements[0].vulnerability'],
    ],
    ['no products', openvex([{ ...OV_OK, products: [] }]), ['statements[0].products']],
    [
      'product without identifiers',
      openvex([{ ...OV_OK, products: [{}] }]),
      ['statements[0].products[0]', '"@id"', 'identifiers'],
    ],
    ['bad purl', openvex([{ ...OV_OK, products: [{ '@id': 'pkg:' }] }]), ['statements[0].products[0]', '"pkg:"']],
    [
      'bad subcomponent',
      openvex([{ ...OV_OK, products: [{ '@id': 'img', subcomponents: [{ identifiers: { purl: 3 } }] }] }]),
      ['statements[0].products[0].subcomponents[0].identifiers.purl'],
    ],
    [
      'bad timestamp',
      openvex([{ ...OV_OK, timestamp: 'yesterday' }]),
      ['statements[0].timestamp', '"yesterday"'],
    ],
    ['bad document timestamp', openvex([OV_OK], { timestamp: '2024-13-45' }), ['timestamp', '"2024-13-45"']],
  ])('%s → VEX_INVALID naming the document and the field', (_name, text, fields) => {
    expect(() => parseVex(text, 'bad.json')).toThrowCode('VEX_INVALID', ['"bad.json"', ...fields]);
  });
});

const cdx = (vulnerabilities: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      timestamp: '2024-01-01T00:00:00Z',
      component: { type: 'container', 'bom-ref': 'image', name: 'checkout' },
    },
    components: [
      {
        type: 'library',
        'bom-ref': 'tar-ref',
        name: 'tar',
        purl: 'pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1',
        components: [{ type: 'library', 'bom-ref': 'nested', name: 'n', purl: 'pkg:npm/semver' }],
      },
    ],
    vulnerabilities,
    ...extra,
  });
const CDX_OK = {
  id: 'CVE-2005-2541',
  analysis: { state: 'not_affected', justification: 'code_not_reachable', detail: 'never run' },
  affects: [{ ref: 'tar-ref' }],
};

describe('CycloneDX VEX reader', () => {
  it('maps states, resolves refs (bom-ref → purl, BOM-Link fragment, nested components) and keeps references as aliases', () => {
    const s = parseVex(
      cdx([
        CDX_OK,
        {
          id: 'GHSA-c2qf-rxjj-qqgw',
          references: [{ id: 'CVE-2022-25883', source: { name: 'NVD' } }],
          analysis: { state: 'false_positive', lastUpdated: '2024-06-01T00:00:00Z' },
          affects: [
            { ref: 'nested' },
            {
              ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#0000000000000002',
              versions: [{ version: '7.5.1' }, { range: 'vers:npm/<7.5.2' }],
            },
          ],
        },
        {
          id: 'CVE-3',
          recommendation: 'Upgrade',
          analysis: { state: 'exploitable', response: ['update'] },
          affects: [{ ref: 'pkg:npm/x' }],
        },
        { id: 'CVE-4', affects: [{ ref: 'tar-ref' }] },
      ]),
      'c.json',
    );
    expect(s).toEqual([
      {
        vulnerability: 'CVE-2005-2541',
        aliases: [],
        products: [{ ids: ['tar-ref', 'pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1'], subcomponents: [] }],
        status: 'not_affected',
        justification: 'code_not_reachable',
        impactStatement: 'never run',
        timestamp: '2024-01-01T00:00:00Z',
        source: 'c.json',
        format: 'cyclonedx',
        analysisState: 'not_affected',
      },
      {
        vulnerability: 'GHSA-c2qf-rxjj-qqgw',
        aliases: ['CVE-2022-25883'],
        products: [
          { ids: ['nested', 'pkg:npm/semver'], subcomponents: [] },
          {
            ids: ['urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#0000000000000002', '0000000000000002'],
            subcomponents: [],
            versions: ['7.5.1'],
          },
        ],
        status: 'not_affected',
        timestamp: '2024-06-01T00:00:00Z',
        source: 'c.json',
        format: 'cyclonedx',
        analysisState: 'false_positive',
      },
      {
        vulnerability: 'CVE-3',
        aliases: [],
        products: [{ ids: ['pkg:npm/x'], subcomponents: [] }],
        status: 'affected',
        actionStatement: 'Upgrade',
        timestamp: '2024-01-01T00:00:00Z',
        source: 'c.json',
        format: 'cyclonedx',
        analysisState: 'exploitable',
      },
    ]);
    expect(
      parseVex(cdx([{ ...CDX_OK, analysis: { state: 'resolved_with_pedigree' } }]), 'c').map((x) => x.status),
    ).toEqual(['fixed']);
    expect(
      parseVex(cdx([{ ...CDX_OK, analysis: { state: 'in_triage' } }]), 'c').map((x) => x.status),
    ).toEqual(['under_investigation']);
  });

  it('suppresses the scanned package through a BOM-Link to a Portcullis SBOM', () => {
    const statements = parseVex(
      cdx([
        {
          id: 'CVE-2005-2541',
          analysis: { state: 'resolved' },
          affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#0000000000000001' }],
        },
      ]),
      'c.json',
    );
    expect(applyVex([TAR_CVE], { result: RESULT, statements }).suppressed.map((f) => f.vex)).toEqual([
      {
        status: 'fixed',
        timestamp: '2024-01-01T00:00:00Z',
        source: 'c.json',
        format: 'cyclonedx',
        analysisState: 'resolved',
      },
    ]);
  });

  it.each([
    ['spec version', cdx([CDX_OK], { specVersion: '1.3' }), ['"specVersion"', '"1.3"']],
    ['no vulnerabilities', cdx([CDX_OK], { vulnerabilities: undefined }), ['"vulnerabilities"']],
    [
      'no analysis anywhere',
      cdx([{ id: 'CVE-1', affects: [{ ref: 'x' }] }]),
      ['"analysis"'],
    ],
    [
      'bad state',
      cdx([{ ...CDX_OK, analysis: { state: 'fine' } }]),
      ['vulnerabilities[0].analysis.state', '"fine"'],
    ],
    [
      'bad justification',
      cdx([{ ...CDX_OK, analysis: { state: 'not_affected', justification: 'nah' } }]),
      ['vulnerabilities[0].analysis.justification', '"nah"'],
    ],
    ['no id', cdx([{ ...CDX_OK, id: undefined }]), ['vulnerabilities[0].id']],
    ['no affects', cdx([{ ...CDX_OK, affects: [] }]), ['vulnerabilities[0].affects']],
    ['affects without ref', cdx([{ ...CDX_OK, affects: [{}] }]), ['vulnerabilities[0].affects[0].ref']],
    [
      'bad version entry',
      cdx([{ ...CDX_OK, affects: [{ ref: 'x', versions: [{ status: 'affected' }] }] }]),
      ['vulnerabilities[0].affects[0].versions[0]', 'version', 'range'],
    ],
    [
      'bad lastUpdated',
      cdx([{ ...CDX_OK, analysis: { state: 'in_triage', lastUpdated: 'soon' } }]),
      ['vulnerabilities[0].analysis.lastUpdated', '"soon"'],
    ],
    ['bad references', cdx([{ ...CDX_OK, references: [{ source: {} }] }]), ['vulnerabilities[0].references[0].id']],
  ])('%s → VEX_INVALID naming the document and the field', (_name, text, fields) => {
    expect(() => parseVex(text, 'bad.cdx.json')).toThrowCode('VEX_INVALID', ['"bad.cdx.json"', ...fields]);
  });
});
