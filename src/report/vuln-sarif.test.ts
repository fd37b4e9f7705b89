/** SARIF 2.1.0: golden file validated against the OASIS schema; aliases, fingerprints, VEX suppressions. */
import { describe, expect, it } from 'vitest';
import { goldenVulns, VULN_INPUT } from './testdata/vuln-input.js';
import { validateSarif } from './validate-sarif.js';
import { renderVulnSarif, SARIF_FINGERPRINT } from './vulns.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const OPTS = { toolVersion: '0.0.0-test', now: new Date('2026-01-02T03:04:05.678Z') };

describe('renderVulnSarif', () => {
  const text = renderVulnSarif(VULN_INPUT, OPTS);
  const doc = JSON.parse(text) as Doc;
  const results = doc.runs[0].results as Doc[];

  it('matches its golden file, which validates against the SARIF 2.1.0 schema', () => {
    expect(text).toBe(goldenVulns('debian-image.sarif.json', text));
    expect(validateSarif(doc)).toEqual({ valid: true, errors: [] });
  });

  it('the validator rejects what the schema forbids', () => {
    expect(validateSarif({ ...doc, version: '2.0.0' }).valid).toBe(false);
    const bad = structuredClone(doc);
    bad.runs[0].results[0].level = 'fatal';
    bad.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = 'has space';
    bad.runs[0].tool.driver.rules.push(bad.runs[0].tool.driver.rules[0]);
    const r = validateSarif(bad);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(/\/runs\/0\/results\/0\/level/);
    expect(r.errors.join('\n')).toMatch(
      /\/runs\/0\/results\/1\/locations\/0\/physicalLocation\/artifactLocation\/uri/,
    );
    expect(r.errors.join('\n')).toMatch(/\/runs\/0\/tool\/driver\/rules/);
  });

  it('every result carries its aliases and a stable partial fingerprint per (id, package, location)', () => {
    const all = [...VULN_INPUT.findings, ...VULN_INPUT.suppressed!];
    expect(results.map((r) => r.properties.aliases)).toEqual(all.map((f) => f.aliases));
    const fps = results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT]);
    expect(new Set(fps).size).toBe(results.length);
    for (const fp of fps) expect(fp).toMatch(/^[a-f0-9]{64}$/);
    // Same (id, package, location) after an upgrade that is still affected, another clock: same fingerprint.
    const again = JSON.parse(
      renderVulnSarif(
        {
          ...VULN_INPUT,
          findings: VULN_INPUT.findings.map((f) => ({
            ...f,
            installedVersion: `${f.installedVersion}.1`,
            fixedVersions: [],
          })),
        },
        { ...OPTS, now: new Date() },
      ),
    ) as Doc;
    expect(again.runs[0].results.map((r: Doc) => r.partialFingerprints[SARIF_FINGERPRINT])).toEqual(fps);
    // Another location: another fingerprint.
    const moved = JSON.parse(
      renderVulnSarif(
        {
          ...VULN_INPUT,
          findings: VULN_INPUT.findings.map((f) => ({ ...f, location: `/other${f.location}` })),
        },
        OPTS,
      ),
    ) as Doc;
    expect(moved.runs[0].results[0].partialFingerprints[SARIF_FINGERPRINT]).not.toBe(fps[0]);
  });

  it('a VEX-suppressed finding stays in the log as a result with an accepted external suppression', () => {
    const sup = results.filter((r) => r.suppressions);
    expect(sup).toHaveLength(1);
    expect(sup[0]).toMatchObject({
      ruleId: 'CVE-2023-45853',
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification:
            'VEX vex/checkout.openvex.json: not_affected: vulnerable_code_not_in_execute_path: MiniZip is not built into zlib1g',
        },
      ],
    });
    expect(results.filter((r) => !r.suppressions).map((r) => r.ruleId)).toEqual(
      VULN_INPUT.findings.map((f) => f.id),
    );
  });

  it('URIs are relative, percent-encoded references', () => {
    const d = JSON.parse(
      renderVulnSarif(
        {
          ...VULN_INPUT,
          findings: [{ ...VULN_INPUT.findings[0]!, location: '/app/my dir/a#b?.jar' }],
          suppressed: [],
        },
        OPTS,
      ),
    ) as Doc;
    expect(d.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'app/my%20dir/a%23b%3F.jar',
    );
    expect(validateSarif(d).valid).toBe(true);
  });
});
