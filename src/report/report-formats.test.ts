/**
 * Contract test over the one report table: the kinds and formats it lists (the commands'
 * `--format` choices come from it), every entry rendering a fixture of its kind into what its
 * renderer writes when called directly (options passed through), valid where a schema exists,
 * and the look-up refusing what a kind cannot be written as.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateCompliance, frameworkById } from '../checks/compliance/evaluate.js';
import { scanConfig } from '../checks/config-scan.js';
import { builtRuleSets, ruleIdsOf } from '../checks/rule-sets.js';
import type { ConfigScanResult } from '../checks/types.js';
import { dig, pkg, target } from '../diff/_testing.js';
import { diffImages } from '../diff/index.js';
import type { SecretFinding } from '../core/secret-finding.js';
import { validateCycloneDx, validateSpdx } from '../sbom/validate.js';
import { RESULTS, WRITER_OPTS } from '../sbom/testdata/results.js';
import { renderComplianceJson, renderComplianceTable } from './compliance.js';
import { renderConfigJson, renderConfigSarif, renderConfigTable } from './config.js';
import { renderDiffJson, renderDiffTable } from './diff.js';
import { formatIdsOf, hasFormat, REPORT_FORMATS, REPORT_KINDS, rendererFor, renderReport, type ReportInputs, type ReportKind } from './formats.js';
import { renderSecretJson, renderSecretSarif, renderSecretTable } from './secrets.js';
import { VULN_INPUT } from './testdata/vuln-input.js';
import { validateDiffReport } from './validate-diff.js';
import { validateSarif } from './validate-sarif.js';
import { validateJsonReport, validateVulnReport } from './validate.js';
import { renderVulnCycloneDx } from './vuln-cyclonedx.js';
import { renderVulnJson, renderVulnSarif, renderVulnTable } from './vulns.js';

const CONFIG_FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'config', 'nginx-deployment.yaml');
const OPTS = { ...WRITER_OPTS, color: false };
const L0 = { index: 0, diffId: 'sha256:' + 'a'.repeat(64) };
const SECRETS: SecretFinding[] = [{ source: 'file', path: '/etc/app.env', ruleId: 'gitlab-pat', category: 'GitLab', title: 'GitLab personal access token', severity: 'HIGH', line: 1, match: 'glpat-*****', layer: L0 }];

let inputs: ReportInputs;

beforeAll(async () => {
  const result: ConfigScanResult = await scanConfig([CONFIG_FIXTURE], { ruleSets: builtRuleSets().filter((r) => r !== 'custom'), pss: { level: 'restricted', version: 'latest' }, parseWorkers: 0 });
  const ruleSets = builtRuleSets().filter((r) => r !== 'custom');
  const scan = { targets: [CONFIG_FIXTURE], ruleSets };
  const report = evaluateCompliance({ framework: frameworkById('cis-k8s'), findings: result.findings, ranRules: ruleIdsOf(ruleSets, {}) });
  const before = target({ reference: 'oci:/images:v1', layers: [dig('base')], packages: [pkg('deb', 'tar', '1.34+dfsg-1.2')] });
  const after = target({ reference: 'oci:/images:v2', layers: [dig('base'), dig('v2')], packages: [pkg('deb', 'tar', '1.34+dfsg-1.2+deb12u1')], files: [{ path: 'usr/bin/tool', mode: 0o4755 }] });
  inputs = {
    vulnerability: { ...VULN_INPUT, secrets: SECRETS, secretsSkipped: [] },
    secret: { result: RESULTS['debian-image'], secrets: SECRETS, skipped: [] },
    config: { result, scan },
    compliance: { report, scan },
    sbom: RESULTS['debian-image'],
    diff: diffImages({ before, after }),
  };
});

const text = (r: string | Iterable<string>) => (typeof r === 'string' ? r : [...r].join(''));

/** What each entry must write: the renderer called directly with the options the CLI passed before the table. */
const DIRECT: { [K in ReportKind]: Record<string, (input: ReportInputs[K]) => string> } = {
  vulnerability: {
    table: (i) => renderVulnTable(i, OPTS),
    json: (i) => renderVulnJson(i, OPTS),
    sarif: (i) => renderVulnSarif(i, OPTS),
    cyclonedx: (i) => renderVulnCycloneDx(i, WRITER_OPTS),
  },
  secret: {
    table: (i) => renderSecretTable(i, OPTS),
    json: (i) => renderSecretJson(i, OPTS),
    sarif: (i) => renderSecretSarif(i, OPTS),
  },
  config: {
    table: (i) => renderConfigTable(i.result),
    json: (i) => renderConfigJson(i.result, { ...WRITER_OPTS, ...(i.scan ? { scan: i.scan } : {}) }),
    sarif: (i) => renderConfigSarif(i.result, WRITER_OPTS),
  },
  compliance: {
    table: (i) => renderComplianceTable(i.report),
    json: (i) => renderComplianceJson(i.report, { ...WRITER_OPTS, ...(i.scan ? { scan: i.scan } : {}) }),
  },
  sbom: {
    table: (r) => REPORT_FORMATS.sbom.table.render(r, OPTS),
    json: (r) => REPORT_FORMATS.sbom.json.render(r, OPTS),
    cyclonedx: (r) => REPORT_FORMATS.sbom.cyclonedx.render(r, OPTS),
    'spdx-json': (r) => REPORT_FORMATS.sbom['spdx-json'].render(r, OPTS),
  },
  diff: {
    table: (d) => renderDiffTable(d, OPTS),
    json: (d) => renderDiffJson(d, OPTS),
  },
};

/** Schema checks per kind and format, where an official or documented schema exists. */
const VALIDATE: Partial<Record<`${ReportKind}.${string}`, (doc: unknown) => readonly unknown[]>> = {
  'vulnerability.json': (d) => validateVulnReport(d).errors,
  'vulnerability.sarif': (d) => validateSarif(d).errors,
  'vulnerability.cyclonedx': (d) => validateCycloneDx(d).errors,
  'secret.sarif': (d) => validateSarif(d).errors,
  'config.sarif': (d) => validateSarif(d).errors,
  'sbom.json': (d) => validateJsonReport(d).errors,
  'sbom.cyclonedx': (d) => validateCycloneDx(d).errors,
  'sbom.spdx-json': (d) => validateSpdx(d).errors,
  'diff.json': (d) => validateDiffReport(d).errors,
};

describe('REPORT_FORMATS', () => {
  it('lists every report kind with its formats, in --format order', () => {
    expect(Object.fromEntries(REPORT_KINDS.map((k) => [k, formatIdsOf(k)]))).toEqual({
      vulnerability: ['table', 'json', 'sarif', 'cyclonedx'],
      secret: ['table', 'json', 'sarif'],
      config: ['table', 'json', 'sarif'],
      compliance: ['table', 'json'],
      sbom: ['table', 'json', 'cyclonedx', 'spdx-json'],
      diff: ['table', 'json'],
    });
    for (const kind of REPORT_KINDS)
      for (const [key, f] of Object.entries(REPORT_FORMATS[kind])) {
        expect(f.id).toBe(key);
        expect(f.description).not.toBe('');
      }
  });

  const cases = REPORT_KINDS.flatMap((kind) => formatIdsOf(kind).map((format) => [kind, format] as const));
  it.each(cases)('%s as %s renders what its renderer writes, valid where a schema exists', (kind, format) => {
    const input = inputs[kind];
    const out = text(renderReport(kind, format, input as never, OPTS));
    expect(out.endsWith('\n')).toBe(true);
    expect(out).toBe((DIRECT[kind][format] as (i: typeof input) => string)(input));
    expect(out).not.toContain('\u001b[');
    const validate = VALIDATE[`${kind}.${format}`];
    if (format !== 'table') {
      const doc: unknown = JSON.parse(out);
      if (validate) expect(validate(doc)).toEqual([]);
    } else expect(validate).toBeUndefined();
  });

  it.each(['vulnerability', 'secret', 'sbom', 'diff'] as const)('%s: colour reaches the table, never JSON', (kind) => {
    expect(text(renderReport(kind, 'table', inputs[kind] as never, { ...OPTS, color: true }))).toContain('\u001b[');
    expect(text(renderReport(kind, 'json', inputs[kind] as never, { ...OPTS, color: true }))).not.toContain('\u001b[');
  });

  it('config JSON is written in pieces that join into the one-string report', () => {
    const rendered = renderReport('config', 'json', inputs.config, OPTS);
    expect(typeof rendered).not.toBe('string');
    expect(text(rendered)).toBe(renderConfigJson(inputs.config.result, { ...WRITER_OPTS, scan: inputs.config.scan! }));
  });

  it.each([
    ['secret', 'cyclonedx'],
    ['config', 'cyclonedx'],
    ['compliance', 'sarif'],
    ['diff', 'sarif'],
    ['sbom', 'toString'],
    ['vulnerability', '__proto__'],
  ] as const)('%s cannot be written as %s: USAGE', (kind, format) => {
    expect(hasFormat(kind, format)).toBe(false);
    expect(() => rendererFor(kind, format)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
