/** The configuration scan use cases called directly: manifests, compliance, and an image's configuration. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from '../../test/support/fixtures.js';
import { frameworkById } from '../checks/compliance/evaluate.js';
import { runConfigScan, runImageConfigScan, type ConfigScanRunOptions } from './run-config.js';

const MANIFEST = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'config', 'nginx-deployment.yaml');
let fx: FixturePaths;
let work: string;
let broken: string;

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-run-config-'));
  broken = join(work, 'broken.yaml');
  writeFileSync(broken, 'apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n');
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const base = (paths: string[]): ConfigScanRunOptions => ({ paths, ruleSets: ['pss', 'hardening'], pss: { level: 'restricted', version: 'latest' }, pssVersionLabel: 'latest', parseWorkers: 0 });

describe('runConfigScan', () => {
  it('findings of the manifest: kind config, failed, what was scanned echoed for the JSON report', async () => {
    const r = await runConfigScan(base([MANIFEST]));
    expect(r.kind).toBe('config');
    if (r.kind !== 'config') return;
    expect(r.input.result.findings.length).toBeGreaterThan(0);
    expect(r.failed).toBe(true);
    expect(r.input.scan).toEqual({ targets: [MANIFEST], ruleSets: ['pss', 'hardening'], pss: { level: 'restricted', version: 'latest' } });
    expect(r.unknowns).toEqual([]);
  });

  it.each([
    { severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'], all: true },
    { severities: ['HIGH'], all: false },
    { severities: [], all: false },
  ])('--severity $severities filters the findings', async ({ severities, all }) => {
    const every = await runConfigScan(base([MANIFEST]));
    const r = await runConfigScan({ ...base([MANIFEST]), severities });
    if (r.kind !== 'config' || every.kind !== 'config') throw new Error('kind');
    expect(r.input.result.findings.every((f) => severities.includes(f.severity))).toBe(true);
    expect(r.input.result.findings.length === every.input.result.findings.length).toBe(all);
    expect(r.failed).toBe(r.input.result.findings.length > 0);
  });

  it('compliance judges every finding, whatever --severity hides', async () => {
    const framework = frameworkById('cis-k8s');
    const all = await runConfigScan({ ...base([MANIFEST]), framework });
    const none = await runConfigScan({ ...base([MANIFEST]), framework, severities: [] });
    if (all.kind !== 'compliance' || none.kind !== 'compliance') throw new Error('kind');
    expect(none.input.report.summary).toEqual(all.input.report.summary);
    expect(all.failed).toBe(all.input.report.summary.fail > 0);
  });

  it('an input that cannot be read is an unknown and fails the scan even without findings', async () => {
    const r = await runConfigScan({ ...base([broken]), severities: [] });
    expect(r.unknowns.map((u) => u.file)).toEqual([broken]);
    expect(r.kind === 'config' && r.input.result.findings).toEqual([]);
    expect(r.failed).toBe(true);
  });
});

describe('runImageConfigScan', () => {
  it('the image rules over the fixture root filesystem; --severity filters them', async () => {
    const r = await runImageConfigScan({ kind: 'rootfs', target: fx.rootfsApp });
    expect(r.kind).toBe('config');
    expect(r.input.scan).toEqual({ targets: [`rootfs:${fx.rootfsApp}`], ruleSets: ['image'] });
    expect(r.input.result.findings.map((f) => f.ruleId)).toContain('image/setuid-setgid');
    expect(r.failed).toBe(true);
    const high = await runImageConfigScan({ kind: 'rootfs', target: fx.rootfsApp, severities: ['HIGH'] });
    expect(high.input.result.findings.length).toBeGreaterThan(0);
    expect(high.input.result.findings.every((f) => f.severity === 'HIGH')).toBe(true);
    const none = await runImageConfigScan({ kind: 'rootfs', target: fx.rootfsApp, severities: ['UNKNOWN'] });
    expect(none.failed).toBe(none.input.result.findings.length > 0);
  });
});
