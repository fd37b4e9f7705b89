/** Secret findings in table, JSON and SARIF, alone and inside the vulnerability report. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import type { SecretFinding } from '../core/secret-finding.js';
import { renderSecretJson, renderSecretSarif, renderSecretTable, secretSummary } from './secrets.js';
import { validateSarif } from './validate-sarif.js';
import { renderVulnJson, renderVulnSarif, renderVulnTable } from './vulns.js';

const L0 = { index: 0, diffId: 'sha256:' + 'a'.repeat(64), digest: 'sha256:' + 'b'.repeat(64) };
const RESULT: CatalogResult = { artifact: { reference: 'oci:/img:test', transport: 'oci', layers: [L0] }, packages: [], unknowns: [] };
const SECRETS: SecretFinding[] = [
  { source: 'file', path: '/etc/app config.yaml', ruleId: 'url-password', category: 'Password', title: 'Password in a URL', severity: 'HIGH', line: 3, match: 'postgres://svc:*****@db', layer: L0 },
  { source: 'file', path: '/etc/app config.yaml', ruleId: 'generic-secret', category: 'Generic', title: 'Secret assigned', severity: 'MEDIUM', line: 9, match: 'api_key: *****', layer: L0 },
  { source: 'config-env', path: 'config:env/AWS_ACCESS_KEY_ID', ruleId: 'aws-access-key-id', category: 'AWS', title: 'AWS access key ID', severity: 'HIGH', line: 1, match: 'AKIA*****' },
];
const OPTS = { toolVersion: '0.0.0-test', now: new Date('2026-01-02T03:04:05.678Z') };

describe('secret reports', () => {
  it('table: one group per file and layer, redacted matches, a summary line', () => {
    const t = renderSecretTable({ result: RESULT, secrets: SECRETS, skipped: [{ path: '/var/log/big.log', layerDiffId: L0.diffId, reason: 'FILE_TOO_LARGE: 1 bytes' }] }, OPTS);
    expect(t.split('\n')).toEqual([
      'oci:/img:test',
      '',
      'Secrets',
      '',
      `/etc/app config.yaml (layer 0 ${L0.diffId.slice(0, 19)})`,
      'RULE            SEVERITY  LINE  MATCH',
      'url-password    HIGH      3     postgres://svc:*****@db',
      'generic-secret  MEDIUM    9     api_key: *****',
      '',
      'config:env/AWS_ACCESS_KEY_ID (image config)',
      'RULE               SEVERITY  LINE  MATCH',
      'aws-access-key-id  HIGH      1     AKIA*****',
      '',
      'Secrets: 3 (CRITICAL: 0, HIGH: 2, MEDIUM: 1, LOW: 0)',
      'note: 1 file not scanned for secrets:',
      `  /var/log/big.log (layer ${L0.diffId.slice(0, 19)}): FILE_TOO_LARGE: 1 bytes`,
      '',
    ]);
  });

  it('JSON: secrets, secretSummary and secretsSkipped, no vulnerabilities when only secrets ran', () => {
    const doc = JSON.parse(renderSecretJson({ result: RESULT, secrets: SECRETS }, OPTS));
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'createdAt', 'artifact', 'secrets', 'secretSummary', 'secretsSkipped']);
    expect(doc.secrets).toEqual(SECRETS);
    expect(doc.secretSummary).toEqual(secretSummary(SECRETS));
  });

  it('SARIF alone and appended to the vulnerability run: valid, secret/<rule> ids, region.startLine', () => {
    for (const text of [renderSecretSarif({ result: RESULT, secrets: SECRETS }, OPTS), renderVulnSarif({ result: RESULT, match: { findings: [], notes: [] }, findings: [], secrets: SECRETS }, OPTS)]) {
      const doc = JSON.parse(text);
      expect(validateSarif(doc)).toEqual({ valid: true, errors: [] });
      const run = doc.runs[0];
      expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['secret/url-password', 'secret/generic-secret', 'secret/aws-access-key-id']);
      expect(run.results.map((r: { ruleIndex: number }) => r.ruleIndex)).toEqual([0, 1, 2]);
      expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'etc/app%20config.yaml' }, region: { startLine: 3 } });
      expect(run.results[0].properties).toMatchObject({ layerDiffId: L0.diffId, layerDigest: L0.digest, category: 'Password' });
    }
  });

  it('the vulnerability table and JSON carry the secrets section only when given', () => {
    const base = { result: RESULT, match: { findings: [], notes: [] }, findings: [] };
    expect(renderVulnTable(base, OPTS)).not.toContain('Secrets');
    expect(renderVulnTable({ ...base, secrets: SECRETS }, OPTS)).toMatch(/^Total: 0 .*\n\nSecrets\n/m);
    expect(JSON.parse(renderVulnJson(base, OPTS)).secrets).toBeUndefined();
    expect(JSON.parse(renderVulnJson({ ...base, secrets: [] }, OPTS)).secrets).toEqual([]);
  });
});
