/**
 * `scan --vex` and `scan --format cyclonedx|sarif` end to end: the repository's advisory fixtures
 * imported with `db import`, the real fixture image scanned (tar carries the open Debian issue
 * CVE-2005-2541), OpenVEX and CycloneDX VEX documents written against the purls and bom-refs of
 * the image's own SBOM, and the outputs validated against the official schemas.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSarif } from '../src/report/validate-sarif.js';
import { checkCycloneDxReferences, validateCycloneDx } from '../src/sbom/validate.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let fx: FixturePaths;
let work: string;
let dataDir: string;
let image: string;
let tarPurl: string;
let tarRef: string;
let sbomCdx: Doc;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
function file(doc: unknown, ext = 'json'): string {
  const p = join(work, `vex-${n++}.${ext}`);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return p;
}

function openvex(statements: Doc[], timestamp = '2024-01-01T00:00:00Z'): string {
  return file({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://example.com/vex/${n}`,
    author: 'Example security team',
    timestamp,
    version: 1,
    statements,
  });
}

const tarStatement = (product: string, over: Doc = {}) => ({
  vulnerability: { name: 'CVE-2005-2541' },
  products: [{ '@id': product }],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  impact_statement: 'tar is never run on untrusted archives in this image',
  ...over,
});

function cdxVex(vulnerabilities: Doc[], components: Doc[] = []): string {
  return file({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { timestamp: '2024-01-01T00:00:00Z' },
    components,
    vulnerabilities,
  });
}

const scan = (...extra: string[]) => cli(['scan', 'image', image, '--data-dir', dataDir, '-q', ...extra]);
const scanJson = (...extra: string[]) => {
  const r = scan('--format', 'json', ...extra);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Doc;
};
const ids = (list: Doc[]) => list.map((v) => `${v.packageName} ${v.id}`);

beforeAll(async () => {
  fx = await ensureFixtures();
  image = `oci:${fx.ociLayout}:${fx.ociTag}`;
  work = mkdtempSync(join(tmpdir(), 'portcullis-vex-'));
  dataDir = join(work, 'db');
  const imp = cli([
    'db',
    'import',
    join(TD, 'GHSA-c2qf-rxjj-qqgw.json'),
    join(TD, 'PYSEC-2023-74.yaml'),
    join(TD, 'debian-tracker.json'),
    '--data-dir',
    dataDir,
    '-q',
  ]);
  expect(imp.status).toBe(0);
  // The tar purl and bom-ref come from the image's own SBOM, as a VEX author would take them.
  const sbom = cli(['sbom', image, '--format', 'json', '-q']);
  expect(sbom.status).toBe(0);
  const tar = (JSON.parse(sbom.stdout) as Doc).packages.find((p: Doc) => p.name === 'tar');
  tarPurl = tar.purl;
  tarRef = tar.id;
  expect(tarPurl).toMatch(/^pkg:deb\/debian\/tar@1\.34.*\?arch=\w+&distro=debian-12$/);
  const cdx = cli(['sbom', image, '--format', 'cyclonedx', '-q']);
  sbomCdx = JSON.parse(cdx.stdout) as Doc;
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('scan --vex with OpenVEX', () => {
  it('without VEX tar CVE-2005-2541 is reported and --exit-code 1 fires', () => {
    expect(ids(scanJson().vulnerabilities)).toEqual(['tar CVE-2005-2541']);
    expect(scan('--exit-code', '1').status).toBe(1);
  });

  it.each([
    ['the exact purl from the SBOM', () => tarPurl],
    ['a version-less purl (all versions)', () => 'pkg:deb/debian/tar'],
    ['a purl with the version and no qualifiers', () => tarPurl.replace(/\?.*$/, '')],
  ])('not_affected for %s suppresses the finding; --exit-code 1 no longer fires', (_name, product) => {
    const vex = openvex([tarStatement(product())]);
    const doc = scanJson('--vex', vex);
    expect(doc.vulnerabilities).toEqual([]);
    expect(ids(doc.suppressed)).toEqual(['tar CVE-2005-2541']);
    expect(doc.suppressed[0].vex).toEqual({
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impactStatement: 'tar is never run on untrusted archives in this image',
      timestamp: '2024-01-01T00:00:00Z',
      source: vex,
      format: 'openvex',
    });
    const t = scan('--vex', vex, '--exit-code', '1');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^Total: 0 \(CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0\)$/m);
    expect(t.stdout).toMatch(/^Suppressed by VEX: 1 \(not_affected: 1\)$/m);
  });

  it.each([
    ['another version', () => 'pkg:deb/debian/tar@1.30'],
    ['another arch', () => 'pkg:deb/debian/tar?arch=s390x'],
    ['another package', () => 'pkg:deb/debian/gzip'],
  ])('a statement for %s leaves the finding', (_name, product) => {
    expect(ids(scanJson('--vex', openvex([tarStatement(product())])).vulnerabilities)).toEqual([
      'tar CVE-2005-2541',
    ]);
    expect(scan('--vex', openvex([tarStatement(product())]), '--exit-code', '1').status).toBe(1);
  });

  it('the latest statement wins across files; affected keeps the finding with the statement attached', () => {
    const early = openvex([tarStatement('pkg:deb/debian/tar')], '2024-01-01T00:00:00Z');
    const later = openvex(
      [
        tarStatement('pkg:deb/debian/tar', {
          status: 'affected',
          justification: undefined,
          impact_statement: undefined,
          action_statement: 'Upgrade when Debian ships a fix',
        }),
      ],
      '2024-06-01T00:00:00Z',
    );
    for (const order of [
      [early, later],
      [later, early],
    ]) {
      const doc = scanJson(...order.flatMap((f) => ['--vex', f]));
      expect(ids(doc.vulnerabilities)).toEqual(['tar CVE-2005-2541']);
      expect(doc.vulnerabilities[0].vex).toMatchObject({
        status: 'affected',
        actionStatement: 'Upgrade when Debian ships a fix',
        source: later,
      });
      expect(doc.suppressed).toEqual([]);
    }
    const fixedLater = openvex([
      tarStatement('pkg:deb/debian/tar', { status: 'fixed', timestamp: '2025-01-01T00:00:00Z' }),
    ]);
    expect(scanJson('--vex', later, '--vex', fixedLater).suppressed[0].vex).toMatchObject({
      status: 'fixed',
      source: fixedLater,
    });
  });

  it('an alias of the finding names it too; the image as product with tar as subcomponent', () => {
    const viaAlias = openvex([
      tarStatement('pkg:deb/debian/tar', {
        vulnerability: { name: 'TEMP-0000000-TAR', aliases: ['CVE-2005-2541'] },
      }),
    ]);
    expect(ids(scanJson('--vex', viaAlias).suppressed)).toEqual(['tar CVE-2005-2541']);
    const digest = sbomCdx.metadata.component.version as string;
    const viaImage = openvex([
      {
        ...tarStatement(digest),
        products: [{ '@id': digest, subcomponents: [{ '@id': 'pkg:deb/debian/tar' }] }],
      },
    ]);
    expect(ids(scanJson('--vex', viaImage).suppressed)).toEqual(['tar CVE-2005-2541']);
  });
});

describe('scan --vex with CycloneDX VEX', () => {
  it.each([
    [
      'a BOM-Link to the SBOM bom-ref',
      () => `${String(sbomCdx.serialNumber).replace(/^urn:uuid:/, 'urn:cdx:')}/1#${tarRef}`,
      'not_affected',
    ],
    ['the purl as ref', () => 'pkg:deb/debian/tar', 'false_positive'],
    ['a bom-ref of the VEX BOM’s own component', () => 'tar-component', 'resolved'],
  ])('%s (%s) suppresses the finding', (_name, ref, state) => {
    const vex = cdxVex(
      [
        {
          id: 'CVE-2005-2541',
          analysis: { state, ...(state === 'not_affected' ? { justification: 'code_not_reachable' } : {}) },
          affects: [{ ref: ref() }],
        },
      ],
      [{ type: 'library', 'bom-ref': 'tar-component', name: 'tar', purl: tarPurl }],
    );
    const doc = scanJson('--vex', vex);
    expect(doc.vulnerabilities).toEqual([]);
    expect(doc.suppressed[0].vex).toMatchObject({
      status: state === 'resolved' ? 'fixed' : 'not_affected',
      analysisState: state,
      source: vex,
      format: 'cyclonedx',
    });
    expect(scan('--vex', vex, '--exit-code', '1').status).toBe(0);
  });

  it('in_triage and exploitable keep the finding', () => {
    for (const state of ['in_triage', 'exploitable']) {
      const vex = cdxVex([
        { id: 'CVE-2005-2541', analysis: { state }, affects: [{ ref: 'pkg:deb/debian/tar' }] },
      ]);
      const doc = scanJson('--vex', vex);
      expect(doc.vulnerabilities[0].vex).toMatchObject({ analysisState: state });
      expect(scan('--vex', vex, '--exit-code', '1').status).toBe(1);
    }
  });

  it('OpenVEX and CycloneDX statements together: the later one wins', () => {
    const cdx = cdxVex([
      {
        id: 'CVE-2005-2541',
        analysis: { state: 'exploitable', lastUpdated: '2024-03-01T00:00:00Z' },
        affects: [{ ref: 'pkg:deb/debian/tar' }],
      },
    ]);
    const ov = openvex([tarStatement('pkg:deb/debian/tar')], '2024-02-01T00:00:00Z');
    expect(scanJson('--vex', ov, '--vex', cdx).vulnerabilities[0].vex.format).toBe('cyclonedx');
  });
});

describe('malformed VEX', () => {
  it.each([
    ['not JSON', () => file('{ "@context": ', 'txt'), []],
    [
      'OpenVEX with a bad status',
      () => openvex([tarStatement('pkg:deb/debian/tar', { status: 'fine' })]),
      ['statements[0].status', '"fine"'],
    ],
    [
      'OpenVEX not_affected without a reason',
      () =>
        openvex([
          tarStatement('pkg:deb/debian/tar', { justification: undefined, impact_statement: undefined }),
        ]),
      ['statements[0]', 'justification'],
    ],
    [
      'CycloneDX with a bad state',
      () => cdxVex([{ id: 'CVE-2005-2541', analysis: { state: 'ok' }, affects: [{ ref: 'x' }] }]),
      ['vulnerabilities[0].analysis.state', '"ok"'],
    ],
    [
      'a plain SBOM (no analysis)',
      () => file(sbomCdx),
      [],
    ],
  ])('%s → exit 2, VEX_INVALID naming the file and the field', (_name, make, what) => {
    const vex = make();
    const r = scan('--vex', vex);
    expect(r).toFailWith('VEX_INVALID', { naming: [`"${vex}"`, ...what] });
    expect(r.stdout).toBe('');
  });

  it('a missing file → exit 2, FILE_NOT_FOUND', () => {
    const r = scan('--vex', join(work, 'nope.json'));
    expect(r).toFailWith('FILE_NOT_FOUND', { naming: join(work, 'nope.json') });
  });
});

describe('scan --format cyclonedx', () => {
  it('is a valid CycloneDX 1.6 BOM with the SBOM’s components and the vulnerability', () => {
    const r = scan('--format', 'cyclonedx');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
    expect(checkCycloneDxReferences(doc)).toEqual([]);
    expect(doc.components.map((c: Doc) => c['bom-ref'])).toEqual(
      sbomCdx.components.map((c: Doc) => c['bom-ref']),
    );
    expect(doc.vulnerabilities).toHaveLength(1);
    expect(doc.vulnerabilities[0]).toMatchObject({
      id: 'CVE-2005-2541',
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2005-2541' },
      ratings: [{ severity: 'low', method: 'other', source: { name: 'Debian' } }],
      advisories: [{ url: 'https://security-tracker.debian.org/tracker/CVE-2005-2541' }],
      affects: [{ ref: tarRef, versions: [{ status: 'affected' }] }],
    });
    expect(doc.vulnerabilities[0].analysis).toBeUndefined();
  });

  it('with VEX, the suppressed vulnerability stays in the BOM with its analysis', () => {
    const doc = JSON.parse(
      scan('--format', 'cyclonedx', '--vex', openvex([tarStatement(tarPurl)])).stdout,
    ) as Doc;
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.vulnerabilities[0].analysis).toMatchObject({
      state: 'not_affected',
      justification: 'code_not_reachable',
      lastUpdated: '2024-01-01T00:00:00Z',
    });
  });

  it('its own output is accepted back as a CycloneDX VEX', () => {
    const own = file(
      JSON.parse(scan('--format', 'cyclonedx', '--vex', openvex([tarStatement(tarPurl)])).stdout),
    );
    expect(ids(scanJson('--vex', own).suppressed)).toEqual(['tar CVE-2005-2541']);
  });
});

describe('scan --format sarif', () => {
  it('validates against the SARIF 2.1.0 schema, with aliases and fingerprints on every result', () => {
    const doc = JSON.parse(scan('--format', 'sarif').stdout) as Doc;
    expect(validateSarif(doc)).toEqual({ valid: true, errors: [] });
    const [res] = doc.runs[0].results as Doc[];
    expect(res).toMatchObject({
      ruleId: 'CVE-2005-2541',
      properties: { aliases: [] },
      partialFingerprints: { 'portcullisFinding/v1': expect.stringMatching(/^[a-f0-9]{64}$/) },
    });
    // The same scan again: the same fingerprint.
    const again = JSON.parse(scan('--format', 'sarif').stdout) as Doc;
    expect(again.runs[0].results[0].partialFingerprints).toEqual(res!.partialFingerprints);
  });

  it('a VEX-suppressed finding is a result with an accepted suppression', () => {
    const doc = JSON.parse(
      scan('--format', 'sarif', '--vex', openvex([tarStatement('pkg:deb/debian/tar')])).stdout,
    ) as Doc;
    expect(validateSarif(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.runs[0].results[0].suppressions).toMatchObject([{ kind: 'external', status: 'accepted' }]);
  });

  it('scan fs: the GHSA alias is in the result properties', () => {
    const proj = join(work, 'proj');
    mkdirSync(proj, { recursive: true });
    writeFileSync(
      join(proj, 'package-lock.json'),
      JSON.stringify({
        name: 'p',
        lockfileVersion: 3,
        packages: { '': { name: 'p' }, 'node_modules/semver': { version: '7.5.1' } },
      }),
    );
    const doc = JSON.parse(
      cli(['scan', 'fs', proj, '--data-dir', dataDir, '-q', '--format', 'sarif']).stdout,
    ) as Doc;
    expect(validateSarif(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.runs[0].results.map((r: Doc) => [r.ruleId, r.properties.aliases])).toEqual([
      ['CVE-2022-25883', ['GHSA-c2qf-rxjj-qqgw']],
    ]);
    // And the GHSA alias suppresses it through OpenVEX.
    const vex = openvex([
      {
        vulnerability: { name: 'GHSA-c2qf-rxjj-qqgw' },
        products: [{ '@id': 'pkg:npm/semver@7.5.1' }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_present',
      },
    ]);
    const j = JSON.parse(
      cli(['scan', 'fs', proj, '--data-dir', dataDir, '-q', '--format', 'json', '--vex', vex]).stdout,
    ) as Doc;
    expect(j.vulnerabilities).toEqual([]);
    expect(j.suppressed.map((f: Doc) => f.id)).toEqual(['CVE-2022-25883']);
  });
});
