/**
 * `scan config` benchmark. Prints a ratio against a floor measured in the same run (not a test:
 * machines are noisy). Run with `npm run bench:config`.
 *
 * 10,000 generated manifests of mixed kinds (Pod, Deployment, StatefulSet, DaemonSet, Job,
 * CronJob, ReplicaSet, plus Services, ConfigMaps, NetworkPolicies, Roles/RoleBindings, Secrets and
 * Dockerfiles), one per file in 100 directories, some with violations. Measured with every rule set
 * on (pss, hardening, rbac, network, secrets, dockerfile; custom with one CEL rule): the CLI end
 * to end (`scan config DIR -f json`), and in process the load + evaluation. Floor: reading and plain-parsing the same
 * files with the `yaml` package (`parseAllDocuments` + `toJS`). Budget: the CLI in at most 5 s.
 * The in-process figures are given parsing in this thread only and with the bundled parse worker
 * (as the CLI parses large inputs), with the split between loading and each rule set.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pathToFileURL } from 'node:url';
import { scanConfig } from '../src/checks/config-scan.js';
import { parseCustomRules } from '../src/checks/custom/load.js';
import { loadManifests } from '../src/checks/k8s/load.js';
import { parseWorkerCount } from '../src/checks/k8s/_parse-pool.js';
import { builtRuleSets, RULE_SETS } from '../src/checks/rule-sets.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const WORKER = pathToFileURL(join(ROOT, 'dist', 'manifest-worker.js'));
const COUNT = Number(process.env.BENCH_MANIFESTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BUDGET_S = 5;
/** `BENCH_RULES=pss` compares against one rule set; default all. */
const RULES = process.env.BENCH_RULES ? process.env.BENCH_RULES.split(',') : builtRuleSets();
const CUSTOM_RULE = 'id: max-replicas\nseverity: LOW\nmatch: {kinds: [Deployment]}\nvalidation: {expression: "object.spec.replicas <= 5", message: too many replicas}\n';

function podSpec(i: number): string {
  const hardened = i % 3 === 0;
  const lines = [
    '      securityContext:',
    hardened ? '        runAsNonRoot: true' : '        runAsUser: 0',
    '        seccompProfile:',
    hardened ? '          type: RuntimeDefault' : '          type: Unconfined',
    ...(i % 7 === 0 ? ['      hostNetwork: true'] : []),
    '      initContainers:',
    `      - name: init-${i}`,
    '        image: busybox:1.36',
    '        command: ["sh", "-c", "true"]',
    '      containers:',
    `      - name: app-${i}`,
    `        image: registry.example.org/app:${i}`,
    '        ports:',
    `        - containerPort: 8080`,
    ...(i % 11 === 0 ? ['          hostPort: 8080'] : []),
    '        securityContext:',
    `          allowPrivilegeEscalation: ${hardened}`,
    ...(i % 13 === 0 ? ['          privileged: true'] : []),
    '          capabilities:',
    hardened ? '            drop: ["ALL"]' : '            add: ["NET_ADMIN"]',
    '        resources:',
    '          limits: {cpu: 500m, memory: 256Mi}',
    '      volumes:',
    '      - name: data',
    i % 5 === 0 ? '        hostPath: {path: /var/data}' : '        emptyDir: {}',
  ];
  return lines.join('\n');
}

function manifest(i: number): string {
  const meta = `metadata:\n  name: w-${i}\n  namespace: ns-${i % 20}\n  labels: {app: w-${i}}`;
  const tpl = (indent: string) => `${indent}template:\n${indent}  metadata:\n${indent}    labels: {app: w-${i}}\n${indent}  spec:\n${podSpec(i).replace(/^/gm, indent)}`;
  switch (i % 9) {
    case 0:
      return `apiVersion: v1\nkind: Pod\n${meta}\nspec:\n${podSpec(i).replace(/^ {4}/gm, '')}\n`;
    case 1:
      return `apiVersion: apps/v1\nkind: Deployment\n${meta}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: w-${i}}}\n${tpl('  ')}\n`;
    case 2:
      return `apiVersion: apps/v1\nkind: StatefulSet\n${meta}\nspec:\n  serviceName: w-${i}\n  selector: {matchLabels: {app: w-${i}}}\n${tpl('  ')}\n`;
    case 3:
      return `apiVersion: apps/v1\nkind: DaemonSet\n${meta}\nspec:\n  selector: {matchLabels: {app: w-${i}}}\n${tpl('  ')}\n`;
    case 4:
      return `apiVersion: batch/v1\nkind: Job\n${meta}\nspec:\n${tpl('  ')}\n`;
    case 5:
      return `apiVersion: batch/v1\nkind: CronJob\n${meta}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n${tpl('      ')}\n`;
    case 6:
      return `apiVersion: apps/v1\nkind: ReplicaSet\n${meta}\nspec:\n  selector: {matchLabels: {app: w-${i}}}\n${tpl('  ')}\n`;
    case 7:
      switch (Math.floor(i / 9) % 4) {
        case 0:
          return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n${meta}\nspec:\n  podSelector: {matchExpressions: [{key: app, operator: In, values: [w-${i - 6}, w-${i - 5}]}]}\n  policyTypes: [Ingress]\n  ingress: [{from: [{podSelector: {}}]}]\n`;
        case 1:
          return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n${meta}\nrules:\n- apiGroups: [""]\n  resources: [secrets, pods/exec]\n  verbs: [get, list, create]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n${meta}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: w-${i}}\nsubjects:\n- {kind: ServiceAccount, name: w-${i}}\n`;
        case 2:
          return `apiVersion: v1\nkind: Secret\n${meta}\ntype: Opaque\ndata:\n  password: aHVudGVyMg==\n`;
        default:
          return `apiVersion: v1\nkind: Service\n${meta}\nspec:\n  type: NodePort\n  selector: {app: w-${i}}\n  ports:\n  - port: 80\n    targetPort: 8080\n`;
      }
    default:
      return `apiVersion: v1\nkind: ConfigMap\n${meta}\ndata:\n  config.yaml: |\n    level: info\n    port: 8080\n`;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function best(f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

async function bestAsync(f: () => Promise<void>): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    await f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

const work = mkdtempSync(join(tmpdir(), 'portcullis-bench-config-'));
try {
  for (let i = 0; i < COUNT; i++) {
    const dir = join(work, `d${i % 100}`);
    if (i < 100) mkdirSync(dir);
    writeFileSync(join(dir, `m${i}.yaml`), manifest(i));
    if (i % 100 === 0) writeFileSync(join(dir, `Dockerfile`), `# syntax=docker/dockerfile:1\nARG BASE=node:20\nFROM \${BASE} AS build\nRUN curl -fsSL https://example.org/install.sh | sh\nFROM build\nENV API_TOKEN=abc123def\nCMD ["node", "server.js"]\n`);
  }
  const rulesDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-rules-'));
  writeFileSync(join(rulesDir, 'rules.yaml'), CUSTOM_RULE);
  const customRules = parseCustomRules(CUSTOM_RULE, join(rulesDir, 'rules.yaml'));
  const files = listFiles(work).filter((f) => f.endsWith('.yaml'));

  const floor = best(() => {
    for (const f of files) for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) (d as { toJS(): unknown }).toJS();
  });
  let findings = 0;
  const inProcessWith = (parse: { parseWorkers: number; parseWorkerUrl?: URL }) =>
    bestAsync(async () => {
      const r = await scanConfig([work], { ruleSets: RULES, customRules, pss: { level: 'restricted', version: 'latest' }, ...parse });
      findings = r.findings.length;
      if (r.unknowns.length) throw new Error(`unexpected unknowns: ${JSON.stringify(r.unknowns.slice(0, 3))}`);
    });
  const inProcess = await inProcessWith({ parseWorkers: 0 });
  const workers = parseWorkerCount(files.length, { workerUrl: WORKER });
  const inProcessWorkers = await inProcessWith({ parseWorkers: workers, parseWorkerUrl: WORKER });
  // Phase split (best of RUNS each): loading in this thread, with the parse workers, and each rule set.
  const loadHere = await bestAsync(async () => void (await loadManifests([work], { parseWorkers: 0 })));
  const loadWorkers = await bestAsync(async () => void (await loadManifests([work], { parseWorkers: workers, parseWorkerUrl: WORKER })));
  const load = await loadManifests([work], { parseWorkers: 0 });
  const phases = RULE_SETS.filter((rs) => rs.run && RULES.includes(rs.name)).map((rs) => `${rs.name} ${best(() => void rs.run!({ load, pss: { level: 'restricted', version: 'latest' }, customRules })).toFixed(2)}`);
  const cli = best(() => {
    const r = spawnSync(process.execPath, [CLI, 'scan', 'config', work, '--rules', RULES.join(','), ...(RULES.includes('custom') ? ['--custom-rules', join(rulesDir, 'rules.yaml')] : []), '-f', 'json', '-q', '-o', join(tmpdir(), `portcullis-bench-out-${process.pid}.json`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`scan config failed: ${r.stderr.toString().slice(0, 500)}`);
  });

  console.log(`scan config: ${COUNT} manifests in ${files.length} files, ${findings} findings (best of ${RUNS})`);
  console.log(`  floor: read + yaml parseAllDocuments/toJS       ${floor.toFixed(2)} s`);
  rmSync(rulesDir, { recursive: true, force: true });
  rmSync(join(tmpdir(), `portcullis-bench-out-${process.pid}.json`), { force: true });
  console.log(`  load + all rule sets (in process)              ${inProcess.toFixed(2)} s   ratio ${(inProcess / floor).toFixed(2)}`);
  console.log(`  … parsing with ${workers} worker(s) besides this thread  ${inProcessWorkers.toFixed(2)} s   ratio ${(inProcessWorkers / floor).toFixed(2)}`);
  console.log(`  phases: load ${loadHere.toFixed(2)} s (with workers ${loadWorkers.toFixed(2)} s); rule sets (s): ${phases.join(', ')}`);
  console.log(`  CLI end to end (node dist/cli.js, JSON output) ${cli.toFixed(2)} s   ratio ${(cli / floor).toFixed(2)}   budget ${BUDGET_S} s: ${cli <= BUDGET_S ? 'ok' : 'OVER'}`);
  if (cli > BUDGET_S) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
