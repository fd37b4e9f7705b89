import { describe, expect, it } from 'vitest';
import { dig, finding, pkg, target } from '../diff/_testing.js';
import { diffImages, isRegression } from '../diff/index.js';
import { renderDiffJson, renderDiffTable } from './diff.js';
import { validateDiffReport } from './validate-diff.js';

const before = target({
  reference: 'oci:/images:v1',
  layers: [dig('base'), dig('v1')],
  packages: [pkg('deb', 'tar', '1.34+dfsg-1.2'), pkg('deb', 'gzip', '1.12-1')],
  files: [{ path: 'usr/bin/passwd', mode: 0o4755 }],
  config: { user: 'root', env: ['PATH=/bin', 'API_TOKEN=abc'], exposedPorts: ['8080/tcp'] },
});
const after = target({
  reference: 'oci:/images:v2',
  layers: [dig('base'), dig('v2')],
  packages: [pkg('deb', 'tar', '1.34+dfsg-1.2+deb12u1'), pkg('npm', 'left-pad', '1.3.0')],
  files: [
    { path: 'usr/bin/passwd', mode: 0o4755 },
    { path: 'usr/local/bin/helper', mode: 0o4755 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'srv/drop\u001b[2J', mode: 0o666 },
  ],
  config: {
    user: 'app',
    env: ['PATH=/bin', 'API_TOKEN=def'],
    exposedPorts: ['8443/tcp'],
    labels: { version: '2' },
  },
});
const matches = {
  before: {
    findings: [
      finding('tar', 'CVE-2022-48303', '1.34+dfsg-1.2', {
        state: 'fixed',
        fixedVersions: ['1.34+dfsg-1.2+deb12u1'],
        severity: { severity: 'MEDIUM', source: 'debian' },
      }),
    ],
    notes: [],
  },
  after: {
    findings: [
      finding('left-pad', 'GHSA-0000-0000-0000', '1.3.0', {
        packageType: 'npm',
        severity: { severity: 'HIGH', source: 'ghsa' },
      }),
    ],
    notes: [
      'No advisory data for debian bookworm: its 1 OS packages were not checked (this is not "0 vulnerabilities").',
    ],
  },
};
const now = new Date('2025-01-02T03:04:05Z');

describe('diff renderers', () => {
  const d = diffImages({ before, after, matches });

  it('the JSON report is valid against the published schema, with or without vulnerabilities', () => {
    const doc = JSON.parse(renderDiffJson(d, { toolVersion: '0.1.0', now }));
    expect(validateDiffReport(doc).errors).toEqual([]);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      kind: 'portcullis-diff',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(doc.summary).toEqual({
      packages: { added: 1, removed: 1, upgraded: 1, downgraded: 0, changed: 0 },
      vulnerabilities: { introduced: 1, fixed: 1, persistent: 0 },
      files: { added: 3, removed: 0, risky: 2 },
      configChanges: 5,
    });
    const skipped = JSON.parse(renderDiffJson(diffImages({ before, after }), { toolVersion: '0.1.0', now }));
    expect(validateDiffReport(skipped).errors).toEqual([]);
    expect(skipped.vulnerabilities).toEqual({ status: 'skipped', notes: [], complete: false, changes: [] });
    expect(skipped.summary.vulnerabilities).toBeUndefined();
  });

  it('the schema rejects what it should', () => {
    const doc = JSON.parse(renderDiffJson(d, { toolVersion: '0.1.0', now }));
    expect(validateDiffReport({ ...doc, kind: 'portcullis-report' }).valid).toBe(false);
    expect(
      validateDiffReport({ ...doc, packages: [{ change: 'added', type: 'deb', name: 'x' }] }).valid,
    ).toBe(false);
    expect(validateDiffReport({ ...doc, files: [{ ...doc.files[0], mode: '755' }] }).valid).toBe(false);
  });

  it('secrets never reach either output', () => {
    for (const out of [
      renderDiffJson(d, { toolVersion: '0.1.0', now }),
      renderDiffTable(d, { toolVersion: '0.1.0' }),
    ]) {
      expect(out).not.toContain('abc');
      expect(out).not.toContain('def');
    }
  });

  it('the table has every section, the coverage note instead of a bare zero, and no escape sequences from image data', () => {
    const t = renderDiffTable(d, { toolVersion: '0.1.0', color: false });
    expect(t).toMatch(
      /^UPGRADED\s+deb\s+tar\s+1\.34\+dfsg-1\.2\s+1\.34\+dfsg-1\.2\+deb12u1\s+\/var\/lib\/dpkg\/status$/m,
    );
    expect(t).toMatch(/^ADDED\s+npm\s+left-pad\s+1\.3\.0/m);
    expect(t).toMatch(/^REMOVED\s+deb\s+gzip\s+1\.12-1/m);
    expect(t).toMatch(/^INTRODUCED\s+GHSA-0000-0000-0000\s+HIGH\s+left-pad\s+1\.3\.0/m);
    expect(t).toMatch(
      /^FIXED\s+CVE-2022-48303\s+MEDIUM\s+tar\s+1\.34\+dfsg-1\.2 → 1\.34\+dfsg-1\.2\+deb12u1\s+1\.34\+dfsg-1\.2\+deb12u1$/m,
    );
    expect(t).toContain('note (after): No advisory data for debian bookworm');
    expect(t).toMatch(/^ADDED\s+setuid\s+4755\s+0:0\s+\/usr\/local\/bin\/helper$/m);
    expect(t).toMatch(/^ADDED\s+world-writable \(sticky\)\s+1777\s+0:0\s+\/tmp\/$/m);
    expect(t).toContain('/srv/drop?[2J');
    expect(t).not.toContain('\u001b');
    expect(t).toContain('user: root → app');
    expect(t).toContain(`env changed: API_TOKEN: <redacted> → <redacted>`);
    expect(t).toContain('port added: 8443/tcp');
    expect(t).toContain('port removed: 8080/tcp');
    expect(t).toContain('label added: version=2');
    expect(t).toMatch(/^layers: 2 → 2 \(1 shared base layer\)/m);
    expect(t.trimEnd().split('\n').at(-1)).toBe(
      'Summary: packages 1 added, 1 removed, 1 upgraded, 0 downgraded, 0 changed; vulnerabilities 1 introduced, 1 fixed (incomplete: see notes); files 3 added, 0 removed; config 5 changes',
    );
  });

  it('a regression: introduced vulnerabilities or risky files; sticky dirs and fixes alone are not', () => {
    expect(isRegression(d)).toBe(true);
    const calm = diffImages({
      before,
      after: target({
        layers: [dig('base')],
        files: [
          { path: 'usr/bin/passwd', mode: 0o4755 },
          { path: 'var/tmp', type: 'dir', mode: 0o1777 },
        ],
      }),
      matches: { before: matches.before, after: { findings: [], notes: [] } },
    });
    expect(calm.summary.vulnerabilities).toEqual({ introduced: 0, fixed: 1, persistent: 0 });
    expect(isRegression(calm)).toBe(false);
  });
});
