/**
 * `portcullis policy lint|test|explain` through the built CLI, against real images pushed to
 * Debian's docker-registry on 127.0.0.1 and signed with our own `sign` in both layouts (`.sig`
 * tag and OCI 1.1 referrers): signed images admitted and pinned to their digest, unsigned and
 * wrongly signed ones denied with the fix, a registry that is down never a pass; SARIF valid.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSarif } from '../src/report/validate-sarif.js';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-policy-'));
const PASSWORD = 'policy';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PORTCULLIS_PASSWORD: PASSWORD }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let reg: Registry;
let digest: string;
const key = join(work, 'ci');
const other = join(work, 'other');

function policy(name: string, body: string, host = reg.host): string {
  const f = join(work, `${name}.yaml`);
  writeFileSync(f, `apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: ${name}}\nnoMatch: deny\nspec:\n  images: ["${host}/**"]\n${body}`);
  return f;
}

function manifest(name: string, images: string[]): string {
  const f = join(work, `${name}-deploy.yaml`);
  const containers = images.map((image, i) => `        - {name: c${i}, image: "${image}"}`).join('\n');
  writeFileSync(f, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  template:\n    metadata: {}\n    spec:\n      initContainers: []\n      containers:\n${containers}\n`);
  return f;
}

type Obj = { allowed: boolean; patches: { path: string; value: string }[]; results: { rule: string; outcome: string; code?: string; digest?: string; fix: string[]; evidence: { kind: string; id: string }[] }[] };
const objects = (stdout: string) => (JSON.parse(stdout) as { objects: Obj[] }).objects;

beforeAll(async () => {
  const fx = await ensureFixtures();
  reg = await startRegistry();
  for (const repo of ['signed', 'referrer', 'unsigned', 'wrongkey']) await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${reg.host}/team/${repo}:1`);
  digest = (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reg.host}/team/signed:1`])).stdout.trim();
  for (const k of [key, other]) expect(cli(['key', 'generate', '-o', k]).status).toBe(0);
  expect(cli(['sign', `docker://${reg.host}/team/signed:1`, '--key', `${key}.key`]).status).toBe(0);
  expect(cli(['sign', `docker://${reg.host}/team/referrer:1`, '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1']).status).toBe(0);
  expect(cli(['sign', `docker://${reg.host}/team/wrongkey:1`, '--key', `${other}.key`]).status).toBe(0);
}, 600_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('policy test against a real registry', () => {
  const signed = () => policy('signed', `  digests: mutate\n  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}]\n`);

  it.each([
    ['signed (.sig tag)', 'signed', 0, 'signatures:pass'],
    ['signed (OCI 1.1 referrer bundle)', 'referrer', 0, 'signatures:pass'],
    ['unsigned', 'unsigned', 1, 'signatures:fail:SIGNATURE_MISSING'],
    ['signed by another key', 'wrongkey', 1, 'signatures:fail:SIGNATURE_INVALID'],
  ])('%s', (_name, repo, status, outcome) => {
    const image = `${reg.host}/team/${repo}:1`;
    const r = cli(['policy', 'test', '--policy', signed(), '--registry', '--format', 'json', manifest(repo, [image])]);
    expect(r.status, r.stderr).toBe(status);
    const [o] = objects(r.stdout);
    const sig = o!.results.find((x) => x.rule === 'signatures')!;
    expect(`${sig.rule}:${sig.outcome}${sig.code ? `:${sig.code}` : ''}`).toBe(outcome);
    expect(sig.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    if (status === 0) {
      // Mutated to the digest that was verified.
      expect(o!.patches).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${image}@${sig.digest}` }]);
      expect(sig.evidence.some((e) => e.kind === 'signature')).toBe(true);
    } else {
      expect(o!.patches).toEqual([]);
      expect(sig.fix[0]).toBe(`portcullis sign docker://${reg.host}/team/${repo}@${sig.digest} --key ci.key`);
    }
  });

  it('without --registry a tag cannot be verified: denied, never a pass', () => {
    const r = cli(['policy', 'test', '--policy', signed(), manifest('offline', [`${reg.host}/team/signed:1`])]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/DENIED .*\n.*\[OFFLINE\]/);
  });

  it('a registry that is down is an error in every mode, never a pass', () => {
    for (const mode of ['enforce', 'warn']) {
      const p = policy(`down-${mode}`, `  mode: ${mode}\n  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}]\n`, '127.0.0.1:9');
      const r = cli(['policy', 'test', '--policy', p, '--registry', '--format', 'json', manifest('down', [`127.0.0.1:9/team/signed:1`])]);
      const [o] = objects(r.stdout);
      const sig = o!.results.find((x) => x.rule === 'signatures')!;
      expect(sig.outcome).toBe('error');
      expect(r.status).toBe(mode === 'enforce' ? 1 : 0);
    }
  });

  it('SARIF output validates against the SARIF 2.1.0 schema and points at the manifest', () => {
    const m = manifest('sarif', [`${reg.host}/team/unsigned:1`]);
    const r = cli(['policy', 'test', '--policy', signed(), '--registry', '--format', 'sarif', m]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(validateSarif(doc).valid).toBe(true);
    expect(doc.runs[0].results[0]).toMatchObject({ ruleId: 'ClusterImagePolicy/signed/signatures', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: m }, region: { startLine: 1 } } }] });
  });

  it('explain renders the whole decision: evidence, fix, noMatch, patches, annotations', () => {
    const r = cli(['policy', 'explain', '--policy', signed(), '--registry', '--image', `${reg.host}/team/signed:1`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`noMatch: deny (${join(work, 'signed.yaml')}:4)`);
    expect(r.stdout).toMatch(/PASS \[enforce\] ClusterImagePolicy\/signed signatures .*signed by ci/);
    expect(r.stdout).toMatch(/evidence signature sha256:[0-9a-f]{64}: ci \(key ci\.pub\): verified/);
    expect(r.stdout).toContain(`"value":"${reg.host}/team/signed:1@${digest}"`);
    expect(r.stdout).toMatch(/audit annotations:\n {2}decision: allowed/);
  });

  it('noMatch deny: an image no policy covers is denied', () => {
    const r = cli(['policy', 'test', '--policy', signed(), '--format', 'json', manifest('nomatch', ['docker.io/library/debian:12'])]);
    expect(r.status).toBe(1);
    expect(objects(r.stdout)[0]!.results.map((x) => `${x.rule}:${x.code}`)).toEqual(['noMatch:NO_POLICY']);
  });
});

describe('policy lint and usage errors', () => {
  it('exit 2 with file:line on errors; 0 on a clean file', () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: bad}\nspec:\n  images: ["registry.example/**"]\n  signatures: {authorities: [{name: k, key: {file: k.pub}}], treshold: 1}\n');
    const r = cli(['policy', 'lint', bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`${bad}:6:62: error [unknown-field]: unknown field "spec.signatures.treshold"`);
    const json = cli(['policy', 'lint', '--format', 'json', bad]);
    const doc = JSON.parse(json.stdout) as { valid: boolean; diagnostics: { rule: string; line: number }[] };
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics.map((d) => [d.rule, d.line])).toEqual([['no-match-unset', 1], ['unknown-field', 6]]);
    const good = join(work, 'good.yaml');
    writeFileSync(good, 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: restricted}\nnoMatch: allow\nspec:\n  podSecurity: {level: restricted, version: latest}\n');
    expect(cli(['policy', 'lint', good]).status).toBe(0);
  });

  it('policy test refuses invalid policies and unreadable manifests with exit 2', () => {
    const bad = join(work, 'bad2.yaml');
    writeFileSync(bad, 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: x}\nspec: {mode: enforcing}\n');
    const r = cli(['policy', 'test', '--policy', bad, manifest('x', ['a.example/b:1'])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('POLICY_INVALID');
    const good = join(work, 'good.yaml');
    expect(cli(['policy', 'test', '--policy', good, join(work, 'missing.yaml')]).status).toBe(2);
    expect(cli(['policy', 'test', '--policy', good, '--metadata', 'https://x.example', manifest('y', ['a.example/b:1'])]).status).toBe(2);
  });
});
