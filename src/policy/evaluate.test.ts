/**
 * The engine, rule by rule, each with allow and deny cases, on real signatures (keys generated
 * here, layers signed with the functions `portcullis sign`/`attest` use) and real keyless bundles
 * (the Sigstore conformance fixtures).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../core/decision.js';
import { attestationLayer, digestN, pod, policies, referrerBundle, signatureLayer, testKey, type TestKey } from './_testing.js';
import { evaluate } from './evaluate.js';
import { offlineEvidence, staticEvidence, type SignedArtifacts, type VulnerabilityReport } from './evidence.js';
import { AUDIT_ANNOTATION_KEY } from './annotations.js';
import { loadTrustedRootFile } from '../attest/sigstore/trusted-root.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const REG = 'registry.example';
const REPO = `${REG}/team/app`;
const D1 = digestN(1);
const D2 = digestN(2);
const HEADER = 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: p}\n';
const none: SignedArtifacts = { signatureLayers: [], attestationLayers: [], referrers: [] };

let ci: TestKey;
let other: TestKey;
let art: Record<string, SignedArtifacts>;

beforeAll(async () => {
  ci = testKey();
  other = testKey();
  art = {
    [D1]: { signatureLayers: [await signatureLayer(ci, REPO, D1)], attestationLayers: [await attestationLayer(ci, REPO, D1, 'https://slsa.dev/provenance/v1', { buildDefinition: { buildType: 'https://ci.example/build' }, runDetails: { builder: { id: 'https://ci.example/builder' } } })], referrers: [] },
    // Signed by the other key only, in the referrers layout.
    [D2]: { signatureLayers: [], attestationLayers: [], referrers: [await referrerBundle(other, REPO, D2)] },
  };
});

const keys = () => ({ 'ci.pub': ci.pem, 'other.pub': other.pem });
const spec = (body: string) => `${HEADER}spec:\n  images: ["${REG}/**"]\n${body}`;
const run = async (policyText: string, images: string[], opts: { evidence?: Parameters<typeof staticEvidence>[0]; obj?: Record<string, unknown>; now?: Date } = {}): Promise<Decision> =>
  evaluate(policies(policyText, keys(), NOW), { object: opts.obj ?? pod(images) }, staticEvidence({ digests: { [`${REPO}:1`]: D1, [`${REPO}:2`]: D2 }, artifacts: art, ...opts.evidence }), { now: opts.now ?? NOW });
const outcomes = (d: Decision) => d.results.map((r) => `${r.rule}:${r.outcome}${r.code ? `:${r.code}` : ''}`);

describe('signatures', () => {
  const sig = (threshold: number, auths: string) => spec(`  signatures:\n    threshold: ${threshold}\n    authorities:\n${auths}`);
  const ciAuth = '      - {name: ci, key: {file: ci.pub}}\n';
  const otherAuth = '      - {name: other, key: {file: other.pub}}\n';
  it.each([
    ['signed by the named key (.sig tag)', sig(1, ciAuth), `${REPO}:1`, true, 'signatures:pass'],
    ['signed by the named key (referrer bundle)', sig(1, otherAuth), `${REPO}:2`, true, 'signatures:pass'],
    ['signed by another key', sig(1, ciAuth), `${REPO}:2`, false, 'signatures:fail:SIGNATURE_INVALID'],
    ['not signed at all', sig(1, ciAuth), `${REPO}@${digestN(3)}`, false, 'signatures:fail:SIGNATURE_MISSING'],
    ['threshold 2 of 2 with one signature', sig(2, ciAuth + otherAuth), `${REPO}:1`, false, 'signatures:fail:SIGNATURE_THRESHOLD'],
    ['threshold 1 of 2', sig(1, ciAuth + otherAuth), `${REPO}:2`, true, 'signatures:pass'],
  ])('%s', async (_name, text, image, allowed, outcome) => {
    const d = await run(text, [image], { evidence: { artifacts: { ...art, [digestN(3)]: none } } });
    expect(d.allowed).toBe(allowed);
    expect(outcomes(d)).toEqual([outcome]);
    if (!allowed) {
      const r = d.results[0]!;
      expect(r).toMatchObject({ policy: 'ClusterImagePolicy/p', image: expect.stringContaining(REPO), digest: expect.stringMatching(/^sha256:/) });
      expect(r.fix.join('\n')).toMatch(/^portcullis sign docker:\/\/registry\.example\/team\/app@sha256:[0-9a-f]{64} --key /m);
    }
  });

  it('offline, a tag cannot be verified: an error that denies, never a pass', async () => {
    const d = await evaluate(policies(sig(1, ciAuth), keys(), NOW), { object: pod([`${REPO}:1`]) }, offlineEvidence, { now: NOW });
    expect(d.allowed).toBe(false);
    expect(outcomes(d)).toEqual(['signatures:error:OFFLINE']);
  });
});

describe('keyless identities (Sigstore conformance bundle, trusted_root.d.json)', () => {
  const FX = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'sigstore');
  const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const GITHUB = 'https://token.actions.githubusercontent.com';
  const D = 'sha256:330a043220fa13e01d68a7db39c89e12b0c4c3b6a0346fe624b0903f1303b5b2';
  const bundle = readFileSync(join(FX, 'd.txt.v03-dsse.sigstore.json'));
  const evidence = { artifacts: { [D]: { signatureLayers: [], attestationLayers: [], referrers: [{ manifestDigest: digestN(9), bundleDigest: digestN(8), bundle, annotations: {} }] } } };
  const text = (identity: string) =>
    spec(`  attestations:\n    - predicateType: slsaprovenance1\n      authorities:\n        - name: beacon\n          keyless: {${identity}, trustedRoot: ${join(FX, 'trusted_root.d.json')}}\n`);
  it.each([
    ['exact subject and issuer', `subject: "${BEACON}", issuer: "${GITHUB}"`, true],
    ['subject regex and issuer regex', `subjectRegex: "^https://github\\\\.com/sigstore-conformance/", issuerRegex: "^https://token\\\\.actions\\\\.githubusercontent\\\\.com$"`, true],
    ['near-miss subject (one character more)', `subject: "${BEACON}x", issuer: "${GITHUB}"`, false],
    ['near-miss subject regex (another org)', `subjectRegex: "^https://github\\\\.com/sigstore-conformance-evil/", issuer: "${GITHUB}"`, false],
    ['near-miss issuer', `subject: "${BEACON}", issuer: "https://token.actions.githubusercontent.com/"`, false],
    ['near-miss issuer regex', `subject: "${BEACON}", issuerRegex: "^https://accounts\\\\.google\\\\.com$"`, false],
  ])('%s', async (_name, identity, allowed) => {
    expect(loadTrustedRootFile(join(FX, 'trusted_root.d.json')).root).toBeDefined();
    const d = await run(text(identity), [`${REPO}@${D}`], { evidence });
    expect(outcomes(d)).toEqual([allowed ? 'attestations/slsaprovenance1:pass' : 'attestations/slsaprovenance1:fail:IDENTITY_MISMATCH']);
    expect(d.allowed).toBe(allowed);
  });
});

describe('attestations', () => {
  const att = (condition: string, auth = 'ci') => spec(`  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}, {name: other, key: {file: other.pub}}]\n    threshold: 1\n  attestations:\n    - name: provenance\n      predicateType: slsaprovenance1\n      condition: '${condition}'\n      authorities: [${auth}]\n`);
  it.each([
    ['condition holds', att('predicate.runDetails.builder.id == "https://ci.example/builder"'), `${REPO}:1`, 'attestations/provenance:pass'],
    ['condition fails', att('predicate.runDetails.builder.id == "https://evil.example/builder"'), `${REPO}:1`, 'attestations/provenance:fail:ATTESTATION_CONDITION'],
    ['signed by an authority the rule does not name', att('true', 'other'), `${REPO}:1`, 'attestations/provenance:fail:SIGNATURE_INVALID'],
    ['no attestation', att('true'), `${REPO}@${digestN(3)}`, 'attestations/provenance:fail:SIGNATURE_MISSING'],
  ])('%s', async (_name, text, image, outcome) => {
    const d = await run(text, [image], { evidence: { artifacts: { ...art, [digestN(3)]: none } } });
    expect(outcomes(d).filter((o) => o.startsWith('attestations'))).toEqual([outcome]);
    if (!outcome.endsWith('pass')) expect(d.results.find((r) => r.rule.startsWith('attestations'))!.fix.join()).toMatch(/portcullis attest docker:\/\/.*@sha256:.* --type slsaprovenance1/);
  });
});

describe('vulnerabilities', () => {
  const report = (findings: VulnerabilityReport['findings'], scannedAt = new Date(NOW.getTime() - 3600_000)): Record<string, VulnerabilityReport> => ({ [D1]: { scannedAt, source: 'metadata', scanId: 'projects/p/occurrences/scan', findings } });
  const f = (id: string, severity: 'LOW' | 'HIGH' | 'CRITICAL', fixable = true) => ({ id, severity, fixable, package: 'openssl', evidenceId: `projects/p/occurrences/${id}` });
  const vuln = (body: string) => spec(`  vulnerabilities:\n${body}`);
  it.each([
    ['no findings', vuln('    maxSeverity: HIGH\n'), [], undefined, 'vulnerabilities:pass'],
    ['HIGH at maxSeverity HIGH', vuln('    maxSeverity: HIGH\n'), [f('CVE-1', 'HIGH')], undefined, 'vulnerabilities:pass'],
    ['fixable CRITICAL above HIGH', vuln('    maxSeverity: HIGH\n'), [f('CVE-1', 'CRITICAL')], undefined, 'vulnerabilities:fail:VULNERABILITY_SEVERITY'],
    ['unfixable CRITICAL never blocks by default', vuln('    maxSeverity: HIGH\n'), [f('CVE-1', 'CRITICAL', false)], undefined, 'vulnerabilities:pass'],
    ['unfixable CRITICAL above maxUnfixableSeverity', vuln('    maxSeverity: HIGH\n    maxUnfixableSeverity: HIGH\n'), [f('CVE-1', 'CRITICAL', false)], undefined, 'vulnerabilities:fail:VULNERABILITY_SEVERITY'],
    ['allowlisted CRITICAL', vuln('    maxSeverity: HIGH\n    allow: [{id: CVE-1, reason: not reachable, until: 2027-01-31}]\n'), [f('CVE-1', 'CRITICAL')], undefined, 'vulnerabilities:pass'],
    ['allowlisted through the last day', vuln('    maxSeverity: HIGH\n    allow: [{id: CVE-1, reason: not reachable, until: 2026-12-01}]\n'), [f('CVE-1', 'CRITICAL')], undefined, 'vulnerabilities:pass'],
    ['expired allowlist entry no longer allows', vuln('    maxSeverity: HIGH\n    allow: [{id: CVE-1, reason: not reachable, until: 2026-12-10}]\n'), [f('CVE-1', 'CRITICAL')], new Date('2026-12-11T00:00:01Z'), 'vulnerabilities:fail:VULNERABILITY_SEVERITY'],
    ['max counts', vuln('    maxCounts: {LOW: 1}\n'), [f('CVE-1', 'LOW'), f('CVE-2', 'LOW')], undefined, 'vulnerabilities:fail:VULNERABILITY_COUNT'],
    ['max counts, fixableOnly', vuln('    maxCounts: {LOW: 1}\n    fixableOnly: true\n'), [f('CVE-1', 'LOW'), f('CVE-2', 'LOW', false)], undefined, 'vulnerabilities:pass'],
  ])('%s', async (_name, text, findings, now, outcome) => {
    const d = await run(text, [`${REPO}:1`], { evidence: { vulnerabilities: report(findings) }, ...(now ? { now } : {}) });
    expect(outcomes(d)).toEqual([outcome]);
    if (outcome.includes('SEVERITY')) {
      const r = d.results[0]!;
      expect(r.evidence.map((e) => e.id)).toEqual(expect.arrayContaining(['projects/p/occurrences/scan', 'CVE-1']));
      expect(r.fix.join('\n')).toMatch(/allow: \[\{id: CVE-1, reason: "…", until: \d{4}-\d\d-\d\d\}\]/);
    }
  });

  it.each([
    ['a scan within maxEvidenceAge counts', 6, 'vulnerabilities:pass'],
    ['a scan older than maxEvidenceAge does not count', 8, 'vulnerabilities:fail:EVIDENCE_STALE'],
  ])('%s', async (_name, days, outcome) => {
    const d = await run(vuln('    maxSeverity: HIGH\n    maxEvidenceAge: 7d\n'), [`${REPO}:1`], { evidence: { vulnerabilities: report([], new Date(NOW.getTime() - days * 86_400_000)) } });
    expect(outcomes(d)).toEqual([outcome]);
  });

  it('no scan at all denies with the scan command as the fix', async () => {
    const d = await run(vuln('    maxSeverity: HIGH\n'), [`${REPO}:1`]);
    expect(outcomes(d)).toEqual(['vulnerabilities:error:OFFLINE']);
    expect(d.results[0]!.fix[0]).toMatch(/^portcullis scan image docker:\/\/registry\.example\/team\/app@sha256:0+1 --push/);
  });
});

describe('trusted registries and digests', () => {
  const hub = `${HEADER}spec:\n  images: ["docker.io/**", "${REG}/**"]\n  trustedRegistries: [docker.io, ${REG}]\n`;
  it.each([
    ['explicit Docker Hub', hub, 'docker.io/library/nginx:1.27', true, 0],
    ['implicit Docker Hub: allowed with a warning', hub, 'nginx:1.27', true, 1],
    ['untrusted registry', `${HEADER}spec:\n  images: ["**"]\n  trustedRegistries: [${REG}]\n`, 'evil.example/x:1', false, 0],
  ])('%s', async (_name, text, image, allowed, warnings) => {
    const d = await run(text, [image]);
    expect(d.allowed).toBe(allowed);
    expect(d.warnings).toHaveLength(warnings);
  });

  it.each([
    ['deny: a tag', 'deny', `${REPO}:1`, false, []],
    ['deny: a digest', 'deny', `${REPO}@${D1}`, true, []],
    ['mutate: the tag becomes the digest', 'mutate', `${REPO}:1`, true, [{ op: 'replace', path: '/spec/containers/0/image', value: `${REPO}:1@${D1}` }]],
    ['mutate: an unresolvable tag is an error', 'mutate', `${REPO}:9`, false, []],
    ['allow', 'allow', `${REPO}:1`, true, []],
  ])('%s', async (_name, mode, image, allowed, patches) => {
    const d = await run(spec(`  digests: ${mode}\n`), [image]);
    expect(d.allowed).toBe(allowed);
    expect(d.patches).toEqual(patches);
  });
});

describe('pod security', () => {
  const wp = (level: string, extra = '') => `apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: restricted}\nspec:\n  namespaces: ["*"]\n  podSecurity: {level: ${level}, version: latest}\n${extra}`;
  const hardened = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', image: `${REPO}:1`, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] };
  it.each([
    ['restricted pod at restricted', 'restricted', hardened, true],
    ['default pod at baseline', 'baseline', {}, true],
    ['default pod at restricted', 'restricted', {}, false],
    ['privileged pod at baseline', 'baseline', { containers: [{ name: 'c', image: 'x.example/a:1', securityContext: { privileged: true } }] }, false],
  ])('%s', async (_name, level, podSpec, allowed) => {
    const d = await run(wp(level), [], { obj: pod([`${REPO}:1`], { spec: podSpec }) });
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(d.results.every((r) => r.rule.startsWith('podSecurity/') && r.fix.length > 0)).toBe(true);
  });

  it('the same checks as scan config: ids of the PSS engine', async () => {
    const d = await run(wp('restricted'), [], { obj: pod([`${REPO}:1`]) });
    expect(d.results.map((r) => r.rule).sort()).toEqual(['podSecurity/allowPrivilegeEscalation', 'podSecurity/capabilities_restricted', 'podSecurity/runAsNonRoot', 'podSecurity/seccompProfile_restricted']);
  });

  it.each([
    ['warn mode admits with warnings', 'warn', true, true],
    ['audit mode admits silently, with audit annotations', 'audit', true, false],
    ['enforce mode denies', 'enforce', false, false],
  ])('%s', async (_name, mode, allowed, warned) => {
    const d = await run(wp('restricted').replace('spec:\n', `noMatch: allow\nspec:\n  mode: ${mode}\n`), [], { obj: pod([`${REPO}:1`]) });
    expect(d.allowed).toBe(allowed);
    expect(d.warnings.length > 0).toBe(warned);
    expect(Object.keys(d.auditAnnotations)).toContain(mode === 'enforce' ? 'denied-by' : mode === 'warn' ? 'warned-by' : 'audit-violations');
    for (const w of d.warnings) expect(w.length <= 120 && !w.includes('\n')).toBe(true);
    for (const k of Object.keys(d.auditAnnotations)) expect(k).toMatch(AUDIT_ANNOTATION_KEY);
  });

  it.each([
    ['a namespace exemption', '  exemptions: [{namespaces: ["kube-*"], reason: system}]\n', 'kube-system', true],
    ['a namespace exemption elsewhere', '  exemptions: [{namespaces: ["kube-*"], reason: system}]\n', 'default', false],
    ['an expired exemption', '  exemptions: [{namespaces: ["kube-*"], until: 2026-11-30}]\n', 'kube-system', false],
  ])('%s', async (_name, extra, namespace, allowed) => {
    const text = wp('restricted', extra);
    // Expired exemptions are refused by lint; evaluate one loaded before it expired.
    const set = policies(text, {}, new Date('2026-11-01T00:00:00Z'));
    const d = await evaluate(set, { object: pod([`${REPO}:1`], { namespace }) }, offlineEvidence, { now: NOW });
    expect(d.allowed).toBe(allowed);
  });
});

describe('noMatch, breakglass and controllers', () => {
  const covered = `${HEADER}noMatch: NM\nspec:\n  images: ["${REG}/**"]\n  digests: deny\n  breakglass: true\n`;
  it.each([
    ['allow', true, 0],
    ['warn', true, 1],
    ['deny', false, 0],
  ])('noMatch %s', async (mode, allowed, warnings) => {
    const d = await run(covered.replace('NM', mode), ['other.example/x:1']);
    expect(d.allowed).toBe(allowed);
    expect(d.warnings).toHaveLength(warnings);
    expect(d.noMatch).toMatchObject({ action: mode, images: ['other.example/x:1'], source: '/policies/test.yaml:4' });
    if (!allowed) expect(outcomes(d)).toEqual(['noMatch:fail:NO_POLICY']);
  });

  it('a pod owned by a controller is not warned again', async () => {
    const d = await run(covered.replace('NM', 'warn'), [], { obj: pod(['other.example/x:1'], { owned: true }) });
    expect(d).toMatchObject({ allowed: true, warnings: [] });
  });

  it('breakglass admits what the policy denies, with a warning and an audit annotation', async () => {
    const obj = pod([`${REPO}:1`], { annotations: { 'portcullis.dev/breakglass': 'INC-42 outage' } });
    const d = await run(covered.replace('NM', 'deny'), [], { obj });
    expect(d).toMatchObject({ allowed: true, breakglass: { reason: 'INC-42 outage', policies: ['ClusterImagePolicy/p'] } });
    expect(outcomes(d)).toEqual(['digests:breakglass:DIGEST_REQUIRED']);
    expect(d.warnings[0]).toMatch(/^breakglass: /);
    expect(d.auditAnnotations.breakglass).toMatch(/INC-42/);
    const strict = await run(covered.replace('NM', 'deny').replace('breakglass: true', 'breakglass: false'), [], { obj });
    expect(strict.allowed).toBe(false);
  });
});
