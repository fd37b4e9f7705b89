/**
 * `scan config` end to end: realistic manifests (the nginx Deployment of the Kubernetes docs, a
 * CronJob, a StatefulSet with init containers, Helm-rendered multi-document output with a
 * labelled Namespace and a List, a JSON Pod, a directory with a broken file) with the exact
 * findings checked by hand, SARIF line/column checked against the source text, bad input, and the
 * CLI contract (formats, severities, exit codes, stdin, rule sets).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanConfig } from '../src/checks/config-scan.js';
import { loadManifestText } from '../src/checks/k8s/load.js';
import { parsePssVersion } from '../src/checks/k8s/pss/version.js';
import type { ConfigFinding } from '../src/core/config-finding.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FX = 'test/fixtures/config';
let work: string;

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}), env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const brief = (f: ConfigFinding) => `${f.file.split('/').pop()}:${f.line}:${f.column} ${f.ruleId} ${f.object.kind}/${f.object.name} ${f.message}`;
const defaults = { ruleSets: ['pss'], pss: { level: 'restricted' as const, version: 'latest' as const } };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('realistic manifests, findings checked by hand', () => {
  it('nginx Deployment from the Kubernetes docs: passes baseline, four restricted findings', async () => {
    const base = await scanConfig([`${FX}/nginx-deployment.yaml`], { ...defaults, pss: { level: 'baseline', version: 'latest' } });
    expect(base.findings).toEqual([]);
    const r = await scanConfig([`${FX}/nginx-deployment.yaml`], defaults);
    expect(r.findings.map(brief)).toEqual([
      'nginx-deployment.yaml:19:9 pss/restricted/allowPrivilegeEscalation Deployment/nginx-deployment allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false)',
      'nginx-deployment.yaml:19:9 pss/restricted/capabilities_restricted Deployment/nginx-deployment unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"])',
      'nginx-deployment.yaml:17:5 pss/restricted/runAsNonRoot Deployment/nginx-deployment runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true)',
      'nginx-deployment.yaml:19:9 pss/restricted/seccompProfile_restricted Deployment/nginx-deployment seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    expect(r.findings[0]).toMatchObject({
      ruleSet: 'pss',
      severity: 'MEDIUM',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-deployment' },
      container: 'nginx',
      containers: ['nginx'],
      field: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
      properties: { check: 'allowPrivilegeEscalation', level: 'restricted', policy: 'restricted:latest', evaluatedVersion: 'v1.37', modes: ['default'], reason: 'allowPrivilegeEscalation != false' },
    });
  });

  it('CronJob: only the hostPath volume, at the line of the hostPath field', async () => {
    const r = await scanConfig([`${FX}/cronjob.yaml`], defaults);
    expect(r.findings.map(brief)).toEqual(['cronjob.yaml:35:13 pss/restricted/restrictedVolumes CronJob/hello restricted volume types (volume "logs" uses restricted volume type "hostPath")']);
    const b = await scanConfig([`${FX}/cronjob.yaml`], { ...defaults, pss: { level: 'baseline', version: parsePssVersion('v1.25') } });
    expect(b.findings.map(brief)).toEqual(['cronjob.yaml:35:13 pss/baseline/hostPathVolumes CronJob/hello hostPath volumes (volume "logs")']);
    expect(b.findings[0]!.severity).toBe('HIGH');
  });

  it('StatefulSet with init containers (the Service beside it is ignored)', async () => {
    const r = await scanConfig([`${FX}/statefulset-init.yaml`], defaults);
    expect(r.findings.map(brief)).toEqual([
      'statefulset-init.yaml:47:19 pss/restricted/capabilities_restricted StatefulSet/web unrestricted capabilities (containers "init-perms", "net-tools" must not include "CHOWN", "NET_ADMIN" in securityContext.capabilities.add)',
      'statefulset-init.yaml:43:11 pss/restricted/runAsNonRoot StatefulSet/web runAsNonRoot != true (container "init-perms" must not set securityContext.runAsNonRoot=false)',
      'statefulset-init.yaml:42:11 pss/restricted/runAsUser StatefulSet/web runAsUser=0 (container "init-perms" must not set runAsUser=0)',
    ]);
    expect(r.findings[0]!.related).toEqual([{ field: 'spec.template.spec.containers[1].securityContext.capabilities.add[0]', line: 70, column: 19 }]);
    expect(r.findings[0]!.object.namespace).toBe('shop');
    expect(r.stats).toEqual({ files: 1, objects: 2, workloads: 1 });
  });

  it('Helm-rendered stream: namespace labels (enforce baseline v1.28, warn restricted) and a List', async () => {
    const r = await scanConfig([`${FX}/helm-rendered.yaml`], { ...defaults, pss: { level: 'privileged', version: 'latest' } });
    expect(r.findings.map((f) => `${brief(f)} [${(f.properties!.modes as string[]).join(',')}]`)).toEqual([
      'helm-rendered.yaml:27:7 pss/baseline/hostNamespaces DaemonSet/node-exporter host namespaces (hostNetwork=true, hostPID=true) [enforce,warn]',
      'helm-rendered.yaml:52:11 pss/baseline/hostPathVolumes DaemonSet/node-exporter hostPath volumes (volume "root") [enforce]',
      'helm-rendered.yaml:40:15 pss/baseline/hostPorts DaemonSet/node-exporter hostPort (container "node-exporter" uses hostPort 9100) [enforce,warn]',
      'helm-rendered.yaml:52:11 pss/restricted/restrictedVolumes DaemonSet/node-exporter restricted volume types (volume "root" uses restricted volume type "hostPath") [warn]',
      // tcp_keepalive_time is safe from v1.29 only: forbidden by the pinned v1.28, not by latest
      'helm-rendered.yaml:70:17 pss/baseline/sysctls Job/migrate forbidden sysctls (net.ipv4.tcp_keepalive_time) [enforce]',
      'helm-rendered.yaml:73:15 pss/restricted/allowPrivilegeEscalation Job/migrate allowPrivilegeEscalation != false (container "migrate" must set securityContext.allowPrivilegeEscalation=false) [warn]',
      'helm-rendered.yaml:73:15 pss/restricted/capabilities_restricted Job/migrate unrestricted capabilities (container "migrate" must set securityContext.capabilities.drop=["ALL"]) [warn]',
      'helm-rendered.yaml:68:11 pss/restricted/runAsNonRoot Job/migrate runAsNonRoot != true (pod or container "migrate" must set securityContext.runAsNonRoot=true) [warn]',
      'helm-rendered.yaml:73:15 pss/restricted/seccompProfile_restricted Job/migrate seccompProfile (pod or container "migrate" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost") [warn]',
    ]);
    expect(r.findings[4]!.field).toBe('items[0].spec.template.spec.securityContext.sysctls[0].name');
    expect(r.findings[4]!.properties).toMatchObject({ policy: 'baseline:v1.28', evaluatedVersion: 'v1.28' });
  });

  it('every finding line/column points at the offending key in the source text', async () => {
    const r = await scanConfig([FX], defaults);
    expect(r.findings.length).toBeGreaterThan(20);
    for (const f of r.findings) {
      const at = readFileSync(f.file, 'utf8').split('\n')[f.line - 1]!.slice(f.column - 1);
      const key = f.field.split(/[.[]/).pop()!.replace(/[\]"]/g, '');
      if (/\[\d+\]$/.test(f.field)) expect(at).toMatch(/^\S/); // a list item
      else if (/must set|must include/.test(f.message) && !at.match(new RegExp(`^"?${key}`))) expect(at).toMatch(/^("?[A-Za-z]+"?:|[A-Za-z]+:)/); // nearest present parent key
      else expect(at).toMatch(new RegExp(`^"?${key}"?:`));
    }
  });
});

describe('input handling', () => {
  it('a directory: recursive, .yaml/.yml/.json only, hidden directories skipped, a broken document is an unknown with its line', async () => {
    const r = await scanConfig([`${FX}/dir`], defaults);
    expect(r.unknowns).toEqual([{ file: `${FX}/dir/nested/broken.yaml`, reason: expect.stringMatching(/^Invalid YAML: /), line: 15, column: 1 }]);
    expect([...new Set(r.findings.map((f) => `${f.object.kind}/${f.object.name}`))]).toEqual(['Pod/ok-before', 'Pod/ok-after', 'Pod/debug']);
    expect(r.findings.find((f) => f.ruleId === 'pss/baseline/privileged')).toMatchObject({ file: `${FX}/dir/pod.json`, line: 7, column: 67, severity: 'HIGH' });
  });

  it('YAML 1.1 booleans as Kubernetes reads them, merge keys, and List kinds such as PodList', () => {
    const text = ['apiVersion: v1', 'kind: PodList', 'items:', '- apiVersion: v1', '  kind: Pod', '  metadata: {name: p}', '  spec:', '    hostNetwork: yes', '    containers: [{name: c}]'].join('\n');
    const r = loadManifestText(text, 'x.yaml');
    expect(r.objects).toHaveLength(1);
    expect((r.objects[0]!.value.spec as Record<string, unknown>).hostNetwork).toBe(true);
    expect(r.objects[0]!.locate(['spec', 'hostNetwork'])).toEqual({ line: 8, column: 5 });
  });

  it('alias bombs are bounded; other documents of the file still load', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a: &a ["x","x","x","x","x","x","x","x","x","x"]', '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]', '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]', '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]', '  e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]', '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: fine}'].join('\n');
    const r = loadManifestText(bomb, 'bomb.yaml');
    expect(r.unknowns).toEqual([{ file: 'bomb.yaml', docIndex: 0, reason: expect.stringMatching(/Cannot load document: .*alias/i), line: 1, column: 1 }]);
    expect(r.objects.map((o) => o.name)).toEqual(['fine']);
  });

  it('files above the size limit are unknowns, not read', async () => {
    const big = join(work, 'big.yaml');
    writeFileSync(big, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: "${'x'.repeat(2000)}"\n`);
    const r = await scanConfig([big], { ...defaults, maxFileBytes: 1000 });
    expect(r.unknowns).toEqual([{ file: big, reason: expect.stringMatching(/more than the 1000-byte limit/) }]);
  });
});

describe('portcullis scan config (CLI)', () => {
  it('table by default; --exit-code only when something is reported; --severity filters', () => {
    const t = cli(['scan', 'config', `${FX}/nginx-deployment.yaml`, '--rules', 'pss']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^19:9 +MEDIUM +pss\/restricted\/allowPrivilegeEscalation +Deployment\/nginx-deployment +allowPrivilegeEscalation != false \(container "nginx" must set securityContext\.allowPrivilegeEscalation=false\)$/m);
    expect(t.stdout).toMatch(/^Checked 1 workload\(s\) in 1 file\(s\)\. Total: 4 \(CRITICAL: 0, HIGH: 0, MEDIUM: 4, LOW: 0, UNKNOWN: 0\)$/m);
    expect(cli(['scan', 'config', `${FX}/nginx-deployment.yaml`, '--rules', 'pss', '--exit-code', '4']).status).toBe(4);
    expect(cli(['scan', 'config', `${FX}/nginx-deployment.yaml`, '--rules', 'pss', '--exit-code', '4', '--severity', 'HIGH,CRITICAL']).status).toBe(0);
    expect(cli(['scan', 'config', `${FX}/nginx-deployment.yaml`, '--rules', 'pss', '--exit-code', '4', '--pss-level', 'baseline']).status).toBe(0);
    // an input that cannot be checked fails a gated run too
    expect(cli(['scan', 'config', `${FX}/cronjob.yaml`, `${FX}/dir/nested/broken.yaml`, '--exit-code', '3', '--severity', 'CRITICAL', '-q']).status).toBe(3);
  });

  it('stdin (-), --pss-version, JSON report', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n';
    const r = cli(['scan', 'config', '-', '--rules', 'pss', '-f', 'json', '--pss-version', 'v1.21'], pod);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, tool: { name: 'portcullis' }, scan: { targets: ['-'], ruleSets: ['pss'], pss: { level: 'restricted', version: 'v1.21' } }, stats: { files: 1, objects: 1, workloads: 1 } });
    // v1.21: no capabilities_restricted yet (v1.22)
    expect(doc.findings.map((f: ConfigFinding) => `${f.file} ${f.line}:${f.column} ${f.ruleId}`)).toEqual(['<stdin> 7:5 pss/restricted/allowPrivilegeEscalation']);
  });

  it('SARIF: uri of the file and region of the offending field; valid against the SARIF schema when present', () => {
    const r = cli(['scan', 'config', `${FX}/helm-rendered.yaml`, `${FX}/dir`, '-f', 'sarif', '-q']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.version).toBe('2.1.0');
    const results = s.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[];
    const sysctl = results.find((x) => x.ruleId === 'pss/baseline/sysctls')!;
    expect(sysctl.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: `${FX}/helm-rendered.yaml` }, region: { startLine: 70, startColumn: 17 } });
    for (const res of results) {
      const { uri } = res.locations[0]!.physicalLocation.artifactLocation;
      const { startLine, startColumn } = res.locations[0]!.physicalLocation.region;
      const text = readFileSync(join(ROOT, decodeURIComponent(uri)), 'utf8').split('\n')[startLine - 1]!;
      expect(text.length).toBeGreaterThanOrEqual(startColumn);
      expect(text.slice(startColumn - 1)).toMatch(/^[-{"\w]/);
    }
    expect(s.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('pss/baseline/hostNamespaces');
    expect(s.runs[0].invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: `${FX}/dir/nested/broken.yaml` }, region: { startLine: 15 } } }] });
    const schemaPath = join(ROOT, 'src/report/schemas/sarif-schema-2.1.0.json');
    if (existsSync(schemaPath)) {
      const require = createRequire(import.meta.url);
      const Ajv = require('ajv').default;
      const addFormats = require('ajv-formats').default;
      const ajv = new Ajv({ strict: false });
      addFormats(ajv);
      // The schema declares draft-04; its keywords mean the same in draft-07 once `id` is read as `$id`.
      const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'));
      const validate = ajv.compile({ $id: String(id), ...schema });
      expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('usage errors: custom without rules, unknown rule sets, bad versions and levels, missing paths', () => {
    const custom = cli(['scan', 'config', FX, '--rules', 'pss,custom']);
    expect(custom).toFailWith('USAGE', { naming: ['"custom"', '--custom-rules'] });
    // The hint lists the rule sets there are.
    expect(cli(['scan', 'config', FX, '--rules', 'nope'])).toFailWith('USAGE', { naming: ['"nope"', 'pss, hardening, rbac, network, secrets, dockerfile, custom'] });
    expect(cli(['scan', 'config', FX, '--rules', 'pss', '-q', '-f', 'json']).status).toBe(0);
    expect(cli(['scan', 'config', FX, '--pss-version', '1.25'])).toFailWith('USAGE', { naming: '"1.25"' });
    expect(cli(['scan', 'config', FX, '--pss-level', 'privileged']).status).toBe(2);
    const missing = cli(['scan', 'config', relative(ROOT, join(work, 'nope.yaml'))]);
    expect(missing).toFailWith('FILE_NOT_FOUND', { naming: 'nope.yaml' });
  });
});
