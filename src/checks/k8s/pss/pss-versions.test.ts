/**
 * The policy versions after v1.35, control by control: for each control a pod that only that
 * control forbids, and the verdict at every version from v1.34 to v1.38 and `latest`. Upstream
 * changed nothing at v1.36 (its newest revisions are the v1.35 ones); v1.37 adds two safe sysctls
 * and the baseline `ulimits` control. Versions newer than the newest known one evaluate as it, the
 * way Pod Security Admission clamps them — for flags and for namespace labels alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifestText } from '../load.js';
import { checksFor, evaluatePod, formatViolation, resolveVersion } from './evaluate.js';
import { pssFindings } from './findings.js';
import type { PodSpecLike, PssLevel } from './types.js';
import { formatPssVersion, parsePssVersion } from './version.js';

const VERSIONS = ['v1.34', 'v1.35', 'v1.36', 'v1.37', 'v1.38', 'latest'] as const;
type Verdict = 'ok' | 'forbidden';

function verdict(id: string, level: PssLevel, version: string, spec: PodSpecLike): Verdict {
  return evaluatePod({ level, version: parsePssVersion(version), meta: {}, spec }).some((e) => e.check.id === id) ? 'forbidden' : 'ok';
}

/** A pod that passes restricted at every version, to which each row adds one thing. */
const good = (): PodSpecLike => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
});
const withContainer = (sc: Record<string, unknown>, extra: Record<string, unknown> = {}): PodSpecLike => {
  const p = good();
  const c = (p.containers as Record<string, unknown>[])[0]!;
  Object.assign(c.securityContext as Record<string, unknown>, sc);
  return { ...p, ...extra };
};
const withSysctl = (name: string): PodSpecLike => ({ ...good(), securityContext: { ...good().securityContext, sysctls: [{ name, value: '1' }] } });

// [control, level, pod, verdict per VERSIONS]
const F = 'forbidden', O = 'ok';
const TABLE: [string, PssLevel, PodSpecLike, Verdict[]][] = [
  ['sysctls', 'baseline', withSysctl('net.ipv4.tcp_slow_start_after_idle'), [F, F, F, O, O, O]],
  ['sysctls', 'baseline', withSysctl('net.ipv4.tcp_notsent_lowat'), [F, F, F, O, O, O]],
  ['sysctls', 'restricted', withSysctl('net.ipv4.tcp_notsent_lowat'), [F, F, F, O, O, O]],
  ['sysctls', 'baseline', withSysctl('net.ipv4.tcp_wmem'), [O, O, O, O, O, O]],
  ['sysctls', 'baseline', withSysctl('net.core.somaxconn'), [F, F, F, F, F, F]],
  ['ulimits', 'baseline', withContainer({ ulimits: { nofile: { soft: 1024, hard: 2048 } } }), [O, O, O, F, F, F]],
  ['ulimits', 'restricted', withContainer({ ulimits: [{ name: 'core', soft: 0, hard: 0 }] }), [O, O, O, F, F, F]],
  ['ulimits', 'baseline', withContainer({ ulimits: null }), [O, O, O, O, O, O]],
  ['procMount', 'baseline', withContainer({ procMount: 'Unmasked' }, { hostUsers: false }), [F, O, O, O, O, O]],
  ['procMount_restricted', 'restricted', withContainer({ procMount: 'Unmasked' }, { hostUsers: false }), [O, F, F, F, F, F]],
  ['runAsUser', 'restricted', withContainer({ runAsUser: 0 }, { hostUsers: false }), [F, O, O, O, O, O]],
  ['runAsNonRoot', 'restricted', withContainer({ runAsNonRoot: false }, { hostUsers: false }), [F, O, O, O, O, O]],
  ['hostProbesAndHostLifecycle', 'baseline', { containers: [{ name: 'a', livenessProbe: { httpGet: { host: '169.254.169.254', port: 80 } } }] }, [F, F, F, F, F, F]],
  ['seLinuxOptions', 'baseline', { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }, [O, O, O, O, O, O]],
  ['privileged', 'baseline', withContainer({ privileged: true }), [F, F, F, F, F, F]],
];

describe('versions after v1.35: one boundary row per control', () => {
  it.each(TABLE.map(([id, level, spec, want], i) => ({ i, id, level, spec, want })))('row $i: $id ($level)', ({ id, level, spec, want }) => {
    expect(VERSIONS.map((ver) => verdict(id, level, ver, spec))).toEqual(want);
  });

  it('messages: the new sysctls named as forbidden before v1.37; ulimits in the admission controller wording', () => {
    const at = (ver: string, spec: PodSpecLike) => Object.fromEntries(evaluatePod({ level: 'baseline', version: parsePssVersion(ver), meta: {}, spec }).map((e) => [e.check.id, formatViolation(e.result)]));
    expect(at('v1.36', withSysctl('net.ipv4.tcp_notsent_lowat')).sysctls).toBe('forbidden sysctls (net.ipv4.tcp_notsent_lowat)');
    const two: PodSpecLike = { initContainers: [{ name: 'init', securityContext: { ulimits: { core: { soft: 0, hard: 0 } } } }], containers: [{ name: 'app', securityContext: { ulimits: { nofile: { soft: 1, hard: 1 } } } }, { name: 'side' }] };
    expect(at('v1.37', two).ulimits).toBe('ulimits (containers "init", "app" must not set securityContext.ulimits)');
    const r = evaluatePod({ level: 'baseline', version: 'latest', meta: {}, spec: two }).find((e) => e.check.id === 'ulimits')!;
    expect(r.result.paths).toEqual([
      ['spec', 'initContainers', 0, 'securityContext', 'ulimits'],
      ['spec', 'containers', 0, 'securityContext', 'ulimits'],
    ]);
  });

  it('v1.36 runs exactly the revisions of v1.35; v1.37 differs only in sysctls and the new ulimits control', () => {
    for (const level of ['baseline', 'restricted'] as const) {
      const rev = (ver: string) => new Map(checksFor(level, parsePssVersion(ver)).map((c) => [c.check.id, c.revision]));
      const r35 = rev('v1.35');
      const r36 = rev('v1.36');
      const r37 = rev('v1.37');
      expect([...r36.keys()]).toEqual([...r35.keys()]);
      for (const [id, r] of r36) expect(r, id).toBe(r35.get(id));
      const changed = [...r37].filter(([id, r]) => r36.get(id) !== r).map(([id]) => id);
      expect(changed).toEqual(['sysctls', 'ulimits']);
      expect(rev('v1.38')).toEqual(r37);
      expect(rev('latest')).toEqual(r37);
    }
  });

  it('resolves v1.36 to itself, latest and anything newer to v1.37', () => {
    expect(formatPssVersion(resolveVersion(parsePssVersion('v1.36')))).toBe('v1.36');
    expect(formatPssVersion(resolveVersion(parsePssVersion('v1.37')))).toBe('v1.37');
    for (const newer of ['v1.38', 'v1.40', 'v1.9999', 'latest']) expect(formatPssVersion(resolveVersion(parsePssVersion(newer)))).toBe('v1.37');
  });
});

describe('namespace labels with the new versions', () => {
  const manifest = (version: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: ${version}
---
apiVersion: v1
kind: Pod
metadata:
  name: tuned
  namespace: team
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_slow_start_after_idle
        value: "0"
  containers:
    - name: app
      image: registry.example/app@sha256:${'0'.repeat(64)}
`;
  it.each([
    ['v1.35', 'v1.35', true],
    ['v1.36', 'v1.36', true],
    ['v1.37', 'v1.37', false],
    ['v1.38', 'v1.37', false],
    ['latest', 'v1.37', false],
  ] as const)('enforce-version %s evaluates as %s (forbidden: %s)', (label, evaluated, forbidden) => {
    const load = loadManifestText(manifest(label), 'ns.yaml');
    const r = pssFindings(load, { defaults: { level: 'restricted', version: 'latest' } });
    expect(r.notes).toEqual([]);
    const sysctl = r.findings.filter((f) => f.ruleId === 'pss/baseline/sysctls');
    expect(sysctl.length).toBe(forbidden ? 1 : 0);
    if (forbidden) expect(sysctl[0]!.properties).toMatchObject({ policy: `baseline:${label}`, evaluatedVersion: evaluated, modes: ['enforce'] });
    // the namespace's policy decides: nothing from the scan's restricted default
    expect(r.findings.filter((f) => f.ruleId.startsWith('pss/restricted/'))).toEqual([]);
  });

  it('an unparseable version label is a note and evaluates as latest (v1.37)', () => {
    const r = pssFindings(loadManifestText(manifest('v1.037'), 'ns.yaml'), { defaults: { level: 'restricted', version: 'latest' } });
    expect(r.notes.join('\n')).toMatch(/invalid label pod-security\.kubernetes\.io\/enforce-version="v1\.037", evaluated as latest/);
    expect(r.findings.filter((f) => f.ruleId === 'pss/baseline/sysctls')).toEqual([]);
  });
});

describe('scan config --pss-version', () => {
  const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
  const CLI = join(ROOT, 'dist', 'cli.js');
  let work: string;
  let pod: string;
  beforeAll(() => {
    if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    work = mkdtempSync(join(tmpdir(), 'portcullis-pss-'));
    pod = join(work, 'pod.yaml');
    writeFileSync(pod, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    sysctls:\n      - name: net.ipv4.tcp_notsent_lowat\n        value: "16384"\n  containers:\n    - name: app\n      image: busybox\n`);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'scan', 'config', pod, '--rules', 'pss', '--pss-level', 'baseline', '--format', 'json', ...args], { encoding: 'utf8', timeout: 60_000 });
  const sysctlFindings = (stdout: string) => (JSON.parse(stdout) as { findings: { ruleId: string; properties: { evaluatedVersion: string } }[] }).findings.filter((f) => f.ruleId === 'pss/baseline/sysctls');

  it.each([
    ['v1.36', 1, 'v1.36'],
    ['v1.37', 0, ''],
    ['v1.38', 0, ''],
    ['latest', 0, ''],
  ] as const)('%s: %i sysctl finding(s)', (ver, count, evaluated) => {
    const r = run('--pss-version', ver);
    expect(r.status, r.stderr).toBe(0);
    const found = sysctlFindings(r.stdout);
    expect(found.length).toBe(count);
    if (count) expect(found[0]!.properties.evaluatedVersion).toBe(evaluated);
  });

  it('refuses what is not v1.NN or latest, with exit 2', () => {
    for (const bad of ['1.37', 'v2.0', 'v1.037', 'Latest']) {
      const r = run('--pss-version', bad);
      expect(r).toFailWith('USAGE', { naming: `"${bad}"` });
    }
  });
});
