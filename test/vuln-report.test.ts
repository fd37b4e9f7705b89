/**
 * Every `scan --format json` report validates against its published schema: an image with OS,
 * language, suppressed (VEX) and secret findings, a project directory, and an SBOM re-scan. The
 * schema is strict enough to refuse a report that breaks it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateVulnReport } from '../src/report/validate.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let fx: FixturePaths;
let work: string;
let dataDir: string;

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-vreport-'));
  dataDir = join(work, 'db');
  const files = ['GHSA-c2qf-rxjj-qqgw.json', 'PYSEC-2023-74.yaml', 'debian-tracker.json', 'DSA-5514-1.json', 'DEBIAN-CVE-2005-2541.json', 'GO-2023-1878.json'];
  const imp = cli(['db', 'import', ...files.map((f) => join(TD, f)), '--data-dir', dataDir, '-q']);
  expect(imp.status).toBe(0);
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function valid(stdout: string): Record<string, unknown> {
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  const v = validateVulnReport(doc);
  expect(v.errors).toEqual([]);
  return doc;
}

describe('scan JSON report schema', () => {
  it('image: vulnerabilities with purl and layer, VEX-suppressed findings and secrets all validate', () => {
    const sbom = JSON.parse(cli(['sbom', `oci:${fx.ociLayout}:app`, '--format', 'json', '-q']).stdout) as { packages: { name: string; purl: string; locations: { layerDiffId?: string }[] }[] };
    const stdlib = sbom.packages.find((p) => p.name === 'stdlib')!;
    const vex = join(work, 'vex.json');
    writeFileSync(vex, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://example.com/vex/1', author: 'test', timestamp: '2026-01-01T00:00:00Z', version: 1, statements: [{ vulnerability: { name: 'CVE-2005-2541' }, products: [{ '@id': 'pkg:deb/debian/tar' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }] }));
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--scanners', 'vuln,secret', '--vex', vex, '--format', 'json', '-q']);
    expect(r.status).toBe(0);
    const doc = valid(r.stdout) as { vulnerabilities: { id: string; purl: string; layerDiffId: string }[]; suppressed: { id: string }[]; secrets: unknown[] };
    expect(doc.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2023-29406']);
    expect(doc.vulnerabilities[0]).toMatchObject({ purl: stdlib.purl, layerDiffId: stdlib.locations[0]!.layerDiffId });
    expect(doc.suppressed.map((v) => v.id)).toEqual(['CVE-2005-2541']);
    expect(doc.secrets).toEqual([]);
  }, 300_000);

  it('fs and sbom re-scans validate', () => {
    const proj = join(work, 'proj');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package-lock.json'), JSON.stringify({ name: 'p', lockfileVersion: 3, packages: { '': { name: 'p' }, 'node_modules/semver': { version: '7.5.1' } } }));
    const fs = cli(['scan', 'fs', proj, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(fs.status).toBe(0);
    expect((valid(fs.stdout).vulnerabilities as { id: string }[]).map((v) => v.id)).toEqual(['CVE-2022-25883']);
    const cdx = join(work, 'app.cdx.json');
    expect(cli(['sbom', `oci:${fx.ociLayout}:app`, '--format', 'cyclonedx', '-o', cdx, '-q']).status).toBe(0);
    const sb = cli(['scan', 'sbom', cdx, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(sb.status).toBe(0);
    valid(sb.stdout);
  }, 300_000);

  it.each([
    ['an unknown severity', (d: Record<string, unknown>) => ((d.vulnerabilities as Record<string, unknown>[])[0]!.severity = { severity: 'SEVERE', source: 'x' })],
    ['a finding without sources', (d: Record<string, unknown>) => delete (d.vulnerabilities as Record<string, unknown>[])[0]!.sources],
    ['an unexpected field', (d: Record<string, unknown>) => (d.extra = 1)],
  ])('refuses a report with %s', (_what, mutate) => {
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--format', 'json', '-q']);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(validateVulnReport(doc).valid).toBe(true);
    mutate(doc);
    expect(validateVulnReport(doc).valid).toBe(false);
  }, 300_000);
});

