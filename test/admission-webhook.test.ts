/**
 * The admission webhook as the API server meets it: the built CLI's `admission serve`, with the
 * certificate from `admission manifests`, called over HTTPS verified against the caBundle of the
 * generated webhook configuration (server name `portcullis-webhook.NS.svc`), with AdmissionReview
 * v1 requests for images really pushed to Debian's docker-registry, signed with our own `sign`
 * and scanned with `scan --push` into a real `portcullis server`. Allow and deny, the digest
 * patch, dryRun, breakglass, the deadline and a registry that is down answered by the failure
 * mode with the reason, bad bodies, DEPLOYMENT occurrences and audit entries recorded, the cache
 * dropped when a new scan arrives — and `policy test` deciding the same on the same objects.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
const NS = 'guard';
const SERVER_NAME = `portcullis-webhook.${NS}.svc`;
const PASSWORD = 'admission';
const work = mkdtempSync(join(tmpdir(), 'portcullis-admission-'));
const children: ChildProcess[] = [];
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', PORTCULLIS_PASSWORD: PASSWORD, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Proc {
  proc: ChildProcess;
  url: string;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Proc & { match: RegExpExecArray }> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  children.push(proc);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  proc.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      err += d;
      const m = ready.exec(err);
      if (m) resolve({ proc, url: m[1]!, match: m, out: () => out, err: () => err, exited });
    });
    proc.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
}

let reg: Registry;
let hang: NetServer;
const hangSockets: Socket[] = [];
let hangHost: string;
let metadata: Proc & { fingerprint: string };
let webhook: Proc;
let token: string;
let caBundle: string;
let signedDigest: string;
const policyDir = join(work, 'policies');
const metadataDb = join(work, 'metadata-db');
const auditDb = join(work, 'webhook-db');
const scanDb = join(work, 'scan-db');

function post(path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: Json }> {
  const u = new URL(path, webhook.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, method: path === '/healthz' ? 'GET' : 'POST', ca: caBundle, servername: SERVER_NAME, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: text.startsWith('{') ? JSON.parse(text) : { text } }));
    });
    // A body far over the limit may be cut off after the answer: the answer counts.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    let answered = false;
    req.on('response', () => (answered = true));
    req.end(body);
  });
}

let uidN = 0;
function review(object: Json, over: Json = {}): string {
  const kind = String(object.kind);
  const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
  const resource = `${kind.toLowerCase()}s`;
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: `uid-${++uidN}`, kind: { group, version: 'v1', kind }, resource: { group, version: 'v1', resource }, name: object.metadata.name, namespace: object.metadata.namespace, operation: 'CREATE', userInfo: { username: 'alice@example.com', groups: ['system:authenticated'] }, object, oldObject: null, dryRun: false, options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' }, ...over } });
}

function podOf(name: string, namespace: string, image: string, annotations: Record<string, string> = {}): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, annotations }, spec: { containers: [{ name: 'app', image }] } };
}

function deploymentOf(name: string, namespace: string, image: string): Json {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } } };
}

async function metadataList(filter: string): Promise<Json[]> {
  const res = await fetchInsecure(`${metadata.url}/v1/projects/p1/occurrences?pageSize=1000&filter=${encodeURIComponent(filter)}`);
  return (res.occurrences as Json[] | undefined) ?? [];
}

function fetchInsecure(url: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text || '{}')));
    });
    req.on('error', reject);
    req.end();
  });
}

function scanPush(ref: string) {
  return cli(['scan', 'image', `docker://${ref}`, '--data-dir', scanDb, '--format', 'json', '-q', '--push', metadata.url, '--push-project', 'p1', '--push-fingerprint', metadata.fingerprint], { PORTCULLIS_TOKEN: token });
}

beforeAll(async () => {
  const fx = await ensureFixtures();
  reg = await startRegistry();
  for (const repo of ['signed', 'unsigned']) await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${reg.host}/team/${repo}:1`);
  const key = join(work, 'ci');
  expect(cli(['key', 'generate', '-o', key]).status).toBe(0);
  expect(cli(['sign', `docker://${reg.host}/team/signed:1`, '--key', `${key}.key`]).status).toBe(0);

  // A registry that accepts connections and never answers (the deadline), and one that is down (port 9).
  hang = createServer((s) => void hangSockets.push(s));
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
  hangHost = `127.0.0.1:${(hang.address() as { port: number }).port}`;

  mkdirSync(policyDir);
  spawnSync('cp', [`${key}.pub`, join(policyDir, 'ci.pub')]);
  writeFileSync(join(policyDir, '1-signed.yaml'), `apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: signed-scanned}\nnoMatch: deny\nspec:\n  images: ["${reg.host}/team/**"]\n  digests: mutate\n  breakglass: true\n  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}]\n  vulnerabilities:\n    maxSeverity: HIGH\n    maxEvidenceAge: 7d\n`);
  writeFileSync(join(policyDir, '2-strict.yaml'), `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: no-vulns, namespace: strict}\nspec:\n  images: ["${reg.host}/team/**"]\n  vulnerabilities: {maxUnfixableSeverity: UNKNOWN}\n`);
  writeFileSync(join(policyDir, '3-elsewhere.yaml'), `apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: elsewhere}\nspec:\n  images: ["${hangHost}/**", "127.0.0.1:9/**"]\n  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}]\n`);

  // The metadata server, with a writer token, and the signed image's scan pushed into it.
  expect(cli(['db', 'import', join(TD, 'GHSA-c2qf-rxjj-qqgw.json'), join(TD, 'debian-tracker.json'), '--data-dir', scanDb, '-q']).status).toBe(0);
  const t = cli(['server', 'token', 'create', '--project', 'p1,portcullis-vulnerabilities', '--role', 'writer', '--data-dir', metadataDb]);
  expect(t.status, t.stderr).toBe(0);
  token = t.stdout.trim().split('\n').pop()!;
  const m = await start(['server', '--listen', '127.0.0.1:0', '--rate-limit', '0', '--data-dir', metadataDb], /listening on (\S+)[\s\S]*fingerprint: ([0-9A-F:]{95})/);
  metadata = { ...m, fingerprint: m.match[2]! };
  const scan = scanPush(`${reg.host}/team/signed:1`);
  expect(scan.status, scan.stderr).toBe(0);
  signedDigest = spawnSync('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reg.host}/team/signed:1`], { encoding: 'utf8' }).stdout.trim();
  expect(signedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

  // The manifests: the webhook's certificate and the caBundle the API server would trust.
  const man = cli(['admission', 'manifests', '--namespace', NS, '--policy', policyDir]);
  expect(man.status, man.stderr).toBe(0);
  const docs = parseAllDocuments(man.stdout).map((d) => d.toJS() as Json);
  const secret = docs.find((d) => d.kind === 'Secret')!;
  const tlsDir = join(work, 'tls');
  mkdirSync(tlsDir);
  writeFileSync(join(tlsDir, 'tls.crt'), Buffer.from(secret.data['tls.crt'], 'base64'));
  writeFileSync(join(tlsDir, 'tls.key'), Buffer.from(secret.data['tls.key'], 'base64'));
  caBundle = Buffer.from(docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!.webhooks[0].clientConfig.caBundle, 'base64').toString();

  webhook = await start(
    ['admission', 'serve', '--policy', policyDir, '--listen', '127.0.0.1:0', '--tls-dir', tlsDir, '--timeout-seconds', '3', '--namespace-failure-mode', 'open-*=open', '--registry', '--metadata', metadata.url, '--metadata-project', 'p1', '--metadata-fingerprint', metadata.fingerprint, '--data-dir', auditDb, '--invalidate-interval', '1'],
    /listening on (\S+)/,
    { PORTCULLIS_TOKEN: token },
  );
}, 900_000);

afterAll(async () => {
  for (const s of hangSockets) s.destroy();
  hang?.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

const signed = () => `${reg.host}/team/signed:1`;
const unsigned = () => `${reg.host}/team/unsigned:1`;
const patchOf = (r: Json) => (r.response.patch ? JSON.parse(Buffer.from(r.response.patch, 'base64').toString()) : undefined);

describe('admission serve over HTTPS, as the API server calls it', () => {
  it('admits a signed, scanned image; /mutate pins the verified digest; the uid is echoed', async () => {
    const body = review(podOf('web', 'shop', signed()));
    const m = await post('/mutate', body);
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: JSON.parse(body).request.uid, allowed: true, patchType: 'JSONPatch' } });
    expect(patchOf(m.json)).toEqual([{ op: 'replace', path: '/spec/containers/0/image', value: `${signed()}@${signedDigest}` }]);
    const v = await post('/validate', review(podOf('web', 'shop', `${signed()}@${signedDigest}`)));
    expect(v.json.response).toMatchObject({ allowed: true });
    expect(v.json.response.patch).toBeUndefined();
    expect(v.json.response.auditAnnotations.decision).toBe('allowed');
  });

  it('denies an unsigned image with rule, evidence and fix', async () => {
    const r = await post('/validate', review(podOf('bad', 'shop', unsigned())));
    expect(r.json.response.allowed).toBe(false);
    expect(r.json.response.status.code).toBe(403);
    expect(r.json.response.status.message).toContain(`portcullis sign docker://${reg.host}/team/unsigned@${signedDigest} --key ci.key`);
    expect(r.json.response.status.details.causes.map((c: Json) => c.reason)).toEqual(expect.arrayContaining(['SIGNATURE_MISSING']));
    for (const w of r.json.response.warnings ?? []) expect(w.length).toBeLessThanOrEqual(120);
    for (const k of Object.keys(r.json.response.auditAnnotations)) expect(k).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/);
  });

  it('a namespace policy denies on the scan\'s findings (VULNERABILITY occurrences)', async () => {
    const r = await post('/validate', review(podOf('web', 'strict', signed())));
    expect(r.json.response.allowed).toBe(false);
    const cause = r.json.response.status.details.causes.find((c: Json) => c.reason === 'VULNERABILITY_SEVERITY');
    expect(cause.message).toContain('CVE-2005-2541');
  });

  it('breakglass admits the unsigned image with a warning', async () => {
    const r = await post('/validate', review(podOf('glass', 'shop', unsigned(), { 'portcullis.dev/breakglass': 'INC-7 rollback' })));
    expect(r.json.response.allowed).toBe(true);
    expect(r.json.response.warnings.join(' ')).toContain('breakglass');
  });

  it('a Deployment is warned; its controller-owned Pod is not warned again', async () => {
    const dep = await post('/validate', review(deploymentOf('api', 'shop', 'nginx'), {}));
    expect(dep.json.response.allowed).toBe(false); // noMatch: deny
    const owned = podOf('api-1', 'shop', signed());
    owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d9', uid: 'r1', controller: true }];
    const p = await post('/validate', review(owned));
    expect(p.json.response.allowed).toBe(true);
    expect(p.json.response.warnings).toBeUndefined();
  });

  it('the deadline answers with the failure mode and the reason, before timeoutSeconds', async () => {
    const t0 = Date.now();
    const closed = await post('/validate', review(podOf('slow', 'shop', `${hangHost}/team/app:1`)));
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(3000);
    expect(closed.json.response.allowed).toBe(false);
    expect(closed.json.response.status).toMatchObject({ code: 503 });
    expect(closed.json.response.status.message).toContain('DEADLINE_EXCEEDED');
    const open = await post('/validate', review(podOf('slow', 'open-dev', `${hangHost}/team/app:1`)));
    expect(open.json.response.allowed).toBe(true);
    expect(open.json.response.warnings[0]).toContain('failure mode open');
    expect(open.json.response.auditAnnotations['failure-mode']).toContain('DEADLINE_EXCEEDED');
  }, 20_000);

  it('a registry that is down gets the failure mode, never a pass', async () => {
    const closed = await post('/validate', review(podOf('down', 'shop', '127.0.0.1:9/team/app:1')));
    expect(closed.json.response.allowed).toBe(false);
    expect(closed.json.response.status.code).toBe(503);
    expect(closed.json.response.status.message).toMatch(/failure mode closed .*127\.0\.0\.1:9/);
    const open = await post('/validate', review(podOf('down', 'open-dev', '127.0.0.1:9/team/app:1')));
    expect(open.json.response.allowed).toBe(true);
    expect(open.json.response.auditAnnotations['failure-mode']).toMatch(/^open: /);
  });

  it.each([
    ['malformed JSON', '{"apiVersion":', 400, 'ADMISSION_REVIEW_INVALID'],
    ['wrong apiVersion', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } }), 400, 'ADMISSION_REVIEW_INVALID'],
    ['wrong kind', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Review', request: { uid: 'x' } }), 400, 'ADMISSION_REVIEW_INVALID'],
    ['missing uid', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { kind: {} } }), 400, 'ADMISSION_REVIEW_INVALID'],
    ['huge body', Buffer.alloc(9 << 20, 0x20), 413, 'REQUEST_TOO_LARGE'],
  ])('bad input (%s) is refused with a code; the process lives on', async (_n, body, status, reason) => {
    const r = await post('/validate', body);
    expect(r.status).toBe(status);
    expect(r.json.error.reason).toBe(reason);
    expect((await post('/healthz', '')).status).toBe(200);
  });

  it('a body far past the limit is cut off (413 or a closed connection), never a crash', async () => {
    const r = await post('/validate', Buffer.alloc(40 << 20, 0x20)).catch((err: NodeJS.ErrnoException) => ({ status: err.code, json: {} }));
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(r.status);
    expect((await post('/healthz', '')).status).toBe(200);
  });

  it('policy test decides the same on the same objects', async () => {
    const objects = [podOf('a', 'shop', signed()), podOf('b', 'shop', unsigned()), podOf('c', 'strict', signed()), deploymentOf('d', 'shop', signed()), podOf('e', 'shop', 'nginx')];
    objects.forEach((o, i) => writeFileSync(join(work, `same-${i}.yaml`), JSON.stringify(o)));
    const r = cli(['policy', 'test', '--policy', policyDir, '--registry', '--metadata', metadata.url, '--metadata-project', 'p1', '--metadata-fingerprint', metadata.fingerprint, '--format', 'json', ...objects.map((_, i) => join(work, `same-${i}.yaml`))], { PORTCULLIS_TOKEN: token });
    expect(r.status, r.stderr).toBe(1);
    const tested = (JSON.parse(r.stdout) as { objects: Json[] }).objects;
    expect(tested).toHaveLength(objects.length);
    for (const [i, o] of objects.entries()) {
      const w = await post('/mutate', review(o));
      const d = tested[i]!;
      expect(w.json.response.allowed, `object ${i}`).toBe(d.allowed);
      const codes = (d.results as Json[]).filter((x) => x.mode === 'enforce' && (x.outcome === 'fail' || x.outcome === 'error')).map((x) => x.code).sort();
      expect((w.json.response.status?.details?.causes ?? []).map((c: Json) => c.reason).sort(), `object ${i}`).toEqual(codes);
      expect(patchOf(w.json) ?? [], `object ${i}`).toEqual(d.patches);
    }
  });

  it('dryRun records nothing; a new scan drops the cached evidence; decisions are recorded', async () => {
    const before = await metadataList('kind = "DEPLOYMENT"');
    await post('/validate', review(podOf('dry', 'shop', signed()), { dryRun: true }));
    await post('/validate', review(podOf('dry-bad', 'shop', unsigned()), { dryRun: true }));
    await new Promise((r) => setTimeout(r, 1000));
    const after = await metadataList('kind = "DEPLOYMENT"');
    expect(after.length).toBe(before.length);
    // Admissions so far: web (twice: mutate does not record, validate does), glass (breakglass), open-dev ones without digests.
    const uri = `https://${reg.host}/team/signed@${signedDigest}`;
    const deployed = after.filter((o) => o.resourceUri === uri);
    expect(deployed.length).toBeGreaterThanOrEqual(1);
    expect(deployed[0]).toMatchObject({ kind: 'DEPLOYMENT', noteName: 'projects/p1/notes/portcullis-admission', deployment: { userEmail: 'alice@example.com', platform: 'CUSTOM', resourceUri: [uri] } });
    expect(JSON.parse(deployed[0]!.deployment.config)).toMatchObject({ result: 'allowed', object: 'Pod/shop/web' });
    expect(after.some((o) => o.resourceUri === `https://${reg.host}/team/unsigned@${signedDigest}` && JSON.parse(o.deployment.config).result === 'breakglass')).toBe(true);

    // A re-scan updates the DISCOVERY occurrence: the poller drops the digest from the cache.
    expect(scanPush(signed()).status).toBe(0);
    const deadline = Date.now() + 10_000;
    while (!webhook.out().includes(signedDigest) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(webhook.out()).toMatch(new RegExp(`new evidence: cached results dropped.*${signedDigest}|${signedDigest}.*new evidence: cached results dropped`));

    const metrics = await new Promise<string>((resolve, reject) => {
      const u = new URL('/metrics', webhook.url);
      httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, ca: caBundle, servername: SERVER_NAME, agent: false }, (res) => {
        let t = '';
        res.on('data', (d) => (t += d));
        res.on('end', () => resolve(t));
      }).on('error', reject).end();
    });
    expect(metrics).toMatch(/portcullis_admission_decisions_total\{result="denied",policy="ClusterImagePolicy\/signed-scanned"\} \d+/);
    expect(metrics).toMatch(/portcullis_admission_cache_hit_ratio 0\.\d+/);
    expect(metrics).toMatch(/portcullis_admission_bad_requests_total\{code="ADMISSION_REVIEW_INVALID"\} 4/);

    // Stop the webhook: its audit log holds the denials, breakglass and failure-mode answers, none of the dry runs.
    webhook.proc.kill('SIGTERM');
    expect(await webhook.exited).toBe(0);
    const exp = cli(['audit', 'export', '--data-dir', auditDb]);
    expect(exp.status, exp.stderr).toBe(0);
    const entries = exp.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Json);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['admission.deny', 'admission.breakglass', 'admission.failure-mode']));
    expect(entries.some((e) => e.resource.endsWith('/dry-bad'))).toBe(false);
    expect(entries.find((e) => e.action === 'admission.breakglass')).toMatchObject({ actor: 'user:alice@example.com', resource: 'namespaces/shop/pods/glass', detail: { breakglass: { reason: 'INC-7 rollback' } } });
    expect(cli(['audit', 'verify', '--data-dir', auditDb]).status).toBe(0);
  }, 60_000);
});
