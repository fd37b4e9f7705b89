/**
 * Cross-object analysis over a whole input set (test/fixtures/config/multi-namespace): three
 * namespaces, workloads, NetworkPolicies with a default deny in one namespace, RBAC with risky
 * bindings, a Secret read into env — with the exact expected findings checked by hand; then the
 * compliance reports, custom CEL rules, Dockerfiles in directories, and positions of every
 * finding of every rule set against the source text.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCompliance } from '../src/checks/compliance/evaluate.js';
import { CIS_K8S, FRAMEWORKS } from '../src/checks/compliance/frameworks.js';
import { scanConfig } from '../src/checks/config-scan.js';
import { builtRuleSets, ruleIdsOf, RULE_SETS } from '../src/checks/rule-sets.js';
import type { ConfigFinding } from '../src/core/config-finding.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FX = 'test/fixtures/config';
const MN = `${FX}/multi-namespace`;
const pss = { level: 'restricted' as const, version: 'latest' as const };
let work: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const brief = (f: ConfigFinding) => `${f.file.split('/').pop()}:${f.line}:${f.column} ${f.ruleId} ${f.severity} ${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
const rel = (f: ConfigFinding) => (f.related ?? []).map((x) => `${x.object ? `${x.object.kind}/${x.object.name}` : 'self'}@${x.file ? `${x.file.split('/').pop()}:` : ''}${x.line}:${x.column} ${x.field}`);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-config-mn-'));
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('multi-namespace input: cross-object findings checked by hand', () => {
  it('network: per-pod isolation per direction and per-namespace default denies (shop has a default deny)', async () => {
    const r = await scanConfig([MN], { ruleSets: ['network'], pss });
    expect(r.findings.map(brief)).toEqual([
      // payments/api is selected by api-ingress (matchExpressions In) for Ingress only: the policy has no egress rules
      'payments.yaml:35:7 network/egress-not-isolated LOW Deployment/payments/api',
      'payments.yaml:62:7 network/ingress-not-isolated MEDIUM Deployment/payments/worker',
      'payments.yaml:62:7 network/egress-not-isolated LOW Deployment/payments/worker',
      'tools.yaml:7:3 network/ingress-not-isolated MEDIUM Pod/tools/debug',
      'tools.yaml:7:3 network/egress-not-isolated LOW Pod/tools/debug',
      'namespaces.yaml:11:3 network/no-default-deny-ingress MEDIUM Namespace/payments',
      'namespaces.yaml:11:3 network/no-default-deny-egress LOW Namespace/payments',
      'namespaces.yaml:16:3 network/no-default-deny-ingress MEDIUM Namespace/tools',
      'namespaces.yaml:16:3 network/no-default-deny-egress LOW Namespace/tools',
    ]);
    expect(rel(r.findings[1]!)).toEqual(['NetworkPolicy/api-ingress@payments.yaml:8:3 spec.podSelector']);
    expect(rel(r.findings[5]!)).toEqual(['Deployment/api@payments.yaml:27:3 metadata.name', 'Deployment/worker@payments.yaml:54:3 metadata.name']);
    expect(r.findings[5]!.field).toBe('metadata.name');
  });

  it('rbac: per subject, binding → role → rule; system:authenticated on a read-only role is fine', async () => {
    const r = await scanConfig([MN], { ruleSets: ['rbac'], pss });
    expect(r.findings.map((f) => `${brief(f)} | ${f.message}`)).toEqual([
      'rbac.yaml:28:3 rbac/read-secrets HIGH RoleBinding/tools/debugger | ServiceAccount "tools/debugger" can get secrets in namespace "tools" via RoleBinding "tools/debugger" → Role "tools/debugger" rules[2]',
      'rbac.yaml:28:3 rbac/pods-exec HIGH RoleBinding/tools/debugger | ServiceAccount "tools/debugger" can create pods/exec in namespace "tools" via RoleBinding "tools/debugger" → Role "tools/debugger" rules[1]',
      'rbac.yaml:30:3 rbac/read-secrets HIGH RoleBinding/tools/debugger | Group "oncall" can get secrets in namespace "tools" via RoleBinding "tools/debugger" → Role "tools/debugger" rules[2]',
      'rbac.yaml:30:3 rbac/pods-exec HIGH RoleBinding/tools/debugger | Group "oncall" can create pods/exec in namespace "tools" via RoleBinding "tools/debugger" → Role "tools/debugger" rules[1]',
      'rbac.yaml:43:3 rbac/wildcard CRITICAL ClusterRoleBinding/payments-deployer | ServiceAccount "payments/deployer" can do anything (apiGroups, resources and verbs are all "*") cluster-wide via ClusterRoleBinding "payments-deployer" → ClusterRole "cluster-admin" (built-in) rules[0] (and 1 more path)',
      'rbac.yaml:43:3 rbac/cluster-admin-service-account CRITICAL ClusterRoleBinding/payments-deployer | ServiceAccount "payments/deployer" is bound to cluster-admin cluster-wide via ClusterRoleBinding "payments-deployer"',
    ]);
    expect(rel(r.findings[0]!)).toEqual(['Role/debugger@rbac.yaml:14:3 rules[2]']);
    expect(r.findings[0]!.properties).toMatchObject({ subject: { kind: 'ServiceAccount', name: 'debugger', namespace: 'tools' }, paths: [{ binding: 'RoleBinding "tools/debugger"', role: 'Role "debugger"', grants: 'get secrets', scope: 'tools' }] });
    expect(r.notes).toEqual([]);
  });

  it('secrets: the Secret read into env, with the Secret as related object; the secret volume is fine', async () => {
    const r = await scanConfig([MN], { ruleSets: ['secrets'], pss });
    expect(r.findings.map((f) => `${brief(f)} | ${f.message}`)).toEqual(['payments.yaml:44:13 secrets/env-exposure LOW Deployment/payments/api | container "api" reads key "password" of Secret "api-db" into env "DB_PASSWORD"']);
    expect(rel(r.findings[0]!)).toEqual(['Secret/api-db@payments.yaml:18:3 metadata.name']);
  });

  it('all rule sets: every finding line/column points at the offending key, its nearest present parent or a list item', async () => {
    const r = await scanConfig([FX], { ruleSets: builtRuleSets().filter((n) => n !== 'custom'), pss });
    const sets = new Set(r.findings.map((f) => f.ruleSet));
    expect([...sets].sort()).toEqual(['dockerfile', 'hardening', 'network', 'pss', 'rbac', 'secrets']);
    for (const f of r.findings.filter((x) => x.ruleSet !== 'dockerfile')) {
      const at = readFileSync(f.file, 'utf8').split('\n')[f.line - 1]!.slice(f.column - 1);
      expect(at, `${brief(f)} ${f.field}`).toMatch(/^(- |"?[A-Za-z_][\w./-]*"?\s*:|\{|"|[A-Za-z])/);
    }
    for (const f of r.findings.filter((x) => x.ruleSet === 'dockerfile')) {
      const at = readFileSync(f.file, 'utf8').split('\n')[f.line - 1]!.slice(f.column - 1);
      expect(at.toUpperCase().startsWith(f.field) || f.ruleId.endsWith('-base-image'), brief(f)).toBe(true);
    }
  });
});

describe('compliance mapping', () => {
  it('every mapped rule id exists in a rule set (or the image rules)', () => {
    const known = new Set([...ruleIdsOf(builtRuleSets(), {}), 'image/root-user', 'image/privileged-port', 'image/setuid-setgid', 'image/world-writable-dir', 'image/secret-in-env', 'image/secret-in-history']);
    for (const fw of FRAMEWORKS) for (const c of fw.controls) for (const id of c.rules) expect(known.has(id), `${fw.id} ${c.id} ${id}`).toBe(true);
  });

  it('CIS section 5 over the multi-namespace input: pass/fail per control; unmapped or unselected is not assessed', async () => {
    const ruleSets = RULE_SETS.map((r) => r.name).filter((n) => n !== 'custom');
    const r = await scanConfig([MN], { ruleSets, pss });
    const report = evaluateCompliance({ framework: CIS_K8S, findings: r.findings, ranRules: ruleIdsOf(ruleSets, {}) });
    const status = Object.fromEntries(report.controls.map((c) => [c.id, `${c.status}${c.findings.length ? ` ${c.findings.length}` : ''}`]));
    expect(status).toMatchObject({
      '5.1.1': 'fail 2', // cluster-admin bound to payments/deployer: wildcard + binding
      '5.1.2': 'fail 2',
      '5.1.3': 'fail 1',
      '5.1.4': 'not-assessed',
      '5.1.8': 'pass',
      '5.1.10': 'pass',
      '5.2.2': 'pass',
      '5.2.3': 'pass',
      '5.3.1': 'not-assessed',
      '5.3.2': 'fail 9',
      '5.4.1': 'fail 1',
      '5.7.4': 'not-assessed',
    });
    expect(report.summary).toEqual({ pass: report.controls.filter((c) => c.status === 'pass').length, fail: report.controls.filter((c) => c.status === 'fail').length, 'not-assessed': report.controls.filter((c) => c.status === 'not-assessed').length });
    // Without the rbac rule set the RBAC controls are not assessed — never "pass".
    const net = evaluateCompliance({ framework: CIS_K8S, findings: [], ranRules: ruleIdsOf(['network'], {}) });
    expect(net.controls.filter((c) => c.status !== 'not-assessed').map((c) => `${c.id} ${c.status}`)).toEqual(['5.3.2 pass']);
  });

  it('CLI: --compliance cis-k8s table and json; nist-800-190; sarif refused; --exit-code on failed controls', () => {
    const t = cli(['scan', 'config', MN, '--compliance', 'cis-k8s', '-q']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^5\.1\.3 +FAIL +1 +Minimize wildcard use in Roles and ClusterRoles$/m);
    expect(t.stdout).toMatch(/^ +- CRITICAL rbac\/wildcard ClusterRoleBinding\/payments-deployer \(test\/fixtures\/config\/multi-namespace\/rbac\.yaml:43:3\): ServiceAccount "payments\/deployer" can do anything/m);
    expect(t.stdout).toMatch(/^5\.1\.4 +NOT-ASSESSED +0 +Minimize access to create pods$/m);
    expect(t.stdout).toMatch(/^5\.2\.2 +PASS +0 +Minimize the admission of privileged containers$/m);
    expect(t.stdout).toMatch(/^Controls: 35 \(PASS: \d+, FAIL: \d+, NOT ASSESSED: \d+\)$/m);
    const j = cli(['scan', 'config', MN, '--compliance', 'nist-800-190', '-f', 'json', '--rules', 'rbac,network', '--exit-code', '7']);
    expect(j.status).toBe(7);
    const doc = JSON.parse(j.stdout);
    expect(doc.framework.id).toBe('nist-800-190');
    const byId = Object.fromEntries(doc.controls.map((c: { id: string; status: string; findings: unknown[] }) => [c.id, `${c.status} ${c.findings.length}`]));
    expect(byId).toMatchObject({ '4.1.1': 'not-assessed 0', '4.1.2': 'not-assessed 0', '4.3.1': 'fail 6', '4.3.3': 'fail 9', '4.4.2': 'fail 5', '4.4.3': 'not-assessed 0' });
    expect(cli(['scan', 'config', MN, '--compliance', 'cis-k8s', '-f', 'sarif']).status).toBe(2);
    expect(cli(['scan', 'config', MN, '--compliance', 'pci']).status).toBe(2);
  });
});

describe('custom rules and Dockerfiles through the CLI', () => {
  it('--custom-rules: CEL findings, and a rule mapped to a CIS control makes it assessed', () => {
    const r = cli(['scan', 'config', MN, '--rules', 'custom', '--custom-rules', `${FX}/custom-rules`, '-f', 'json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.scan.customRules).toEqual(['custom/max-replicas', 'custom/team-label', 'custom/no-host-network']);
    expect(doc.findings.map((f: ConfigFinding) => brief(f))).toEqual([
      // no metadata.labels: the finding points at metadata, the nearest field present
      'payments.yaml:26:1 custom/team-label LOW Deployment/payments/api',
      'payments.yaml:53:1 custom/team-label LOW Deployment/payments/worker',
      'shop.yaml:26:1 custom/team-label LOW Deployment/shop/web',
      'shop.yaml:43:1 custom/team-label LOW StatefulSet/shop/db',
      'tools.yaml:7:3 custom/team-label LOW Pod/tools/debug',
    ]);
    const c = cli(['scan', 'config', MN, '--rules', 'custom', '--custom-rules', `${FX}/custom-rules`, '--compliance', 'cis-k8s']);
    expect(c.stdout).toMatch(/^5\.7\.1 +PASS +0 /m);
  });

  it('a rule that does not compile stops the scan with a clear error naming file and rule', () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'id: broken\nseverity: HIGH\nmatch: {kinds: [Pod]}\nvalidation:\n  expression: "object.spec.containers.all(c, "\n');
    const r = cli(['scan', 'config', MN, '--custom-rules', bad]);
    expect(r).toFailWith('RULE_INVALID', { naming: ['"custom/broken"', bad, '"object.spec.containers.all(c, "'] });
  });

  it('Dockerfiles: found by name in directories, and an explicit file by its first instruction', () => {
    const dir = cli(['scan', 'config', `${FX}/dockerfiles`, '-f', 'json']);
    const doc = JSON.parse(dir.stdout);
    expect([...new Set(doc.findings.map((f: ConfigFinding) => f.file))]).toEqual([`${FX}/dockerfiles/Dockerfile.heredoc`, `${FX}/dockerfiles/legacy/Dockerfile`]);
    expect(doc.stats.files).toBe(3);
    const explicit = join(work, 'build-image.txt');
    writeFileSync(explicit, '# build\nARG V=3.20\nFROM alpine:${V}\nUSER 1000\nHEALTHCHECK CMD true\nADD http://example.org/x.tgz /x.tgz\n');
    const e = cli(['scan', 'config', explicit, '-f', 'json', '--rules', 'dockerfile']);
    expect(JSON.parse(e.stdout).findings.map((f: ConfigFinding) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual(['6:1 dockerfile/add-url']);
  });

  it('--trusted-registries: images elsewhere are findings', () => {
    const r = cli(['scan', 'config', MN, '--rules', 'hardening', '--trusted-registries', 'registry.example.org', '-f', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.filter((f: ConfigFinding) => f.ruleId === 'hardening/trusted-registry').map((f: ConfigFinding) => `${brief(f)} ${f.message}`)).toEqual([
      'shop.yaml:56:9 hardening/trusted-registry MEDIUM StatefulSet/shop/db image "postgres:16.4" of container "postgres" comes from registry "docker.io", not in the trusted list',
    ]);
    expect(cli(['scan', 'config', MN, '--trusted-registries', 'https://x']).status).toBe(2);
  });
});
