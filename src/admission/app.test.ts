/**
 * The webhook app without a port: AdmissionReview in, AdmissionReview out, over evidence given as
 * data (real signatures made with real keys): allow, deny with causes, the digest patch on
 * /mutate only, dryRun records nothing, the deadline and evidence errors answered by the
 * namespace's failure mode, breakglass, controller-owned objects, bad bodies as 400s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedEvidence, staticEvidence, type EvidenceProvider, type PolicySet } from '../policy/index.js';
import { digestN, pod, policies, RESTRICTED_SPEC, signatureLayer, testKey, type TestKey } from '../policy/_testing.js';
import { createWebhookApp } from './app.js';
import { parseFailureModes } from './failure-mode.js';
import { createAdmissionMetrics } from './metrics.js';
import { createRecorder, type AuditRecordEntry } from './record.js';
import { createReviewer } from './reviewer.js';

const REPO = 'registry.example/team/app';
const SIGNED = digestN(1);
const UNSIGNED = digestN(2);
const SECURE = { ...RESTRICTED_SPEC };
const CONTAINER_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

let key: TestKey;
let set: PolicySet;
let evidence: EvidenceProvider;

const POLICY = `apiVersion: portcullis.dev/v1alpha1
kind: ClusterImagePolicy
metadata: {name: signed}
noMatch: deny
spec:
  images: ["registry.example/**"]
  digests: mutate
  breakglass: true
  signatures:
    authorities: [{name: ci, key: {file: ci.pub}}]
`;

beforeAll(async () => {
  key = testKey();
  set = policies(POLICY, { 'ci.pub': key.pem });
  evidence = staticEvidence({ digests: { [`${REPO}:1`]: SIGNED, [`${REPO}:2`]: UNSIGNED }, artifacts: { [SIGNED]: { signatureLayers: [await signatureLayer(key, REPO, SIGNED)], attestationLayers: [], referrers: [] }, [UNSIGNED]: { signatureLayers: [], attestationLayers: [], referrers: [] } } });
});

function podWith(image: string, opts: Parameters<typeof pod>[1] = {}) {
  const p = pod([image], { ...opts, spec: SECURE });
  (p.spec as { containers: Record<string, unknown>[] }).containers[0]!.securityContext = CONTAINER_SC;
  return p;
}

function body(object: Record<string, unknown> | null, over: Record<string, unknown> = {}) {
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'uid-1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'shop', operation: 'CREATE', userInfo: { username: 'alice' }, object, ...over } });
}

function setup(opts: { evidence?: EvidenceProvider; budgetMs?: number; failure?: string[] } = {}) {
  const audit: AuditRecordEntry[] = [];
  const recorder = createRecorder({ audit: async (e) => void audit.push(e) });
  const cache = cachedEvidence(opts.evidence ?? evidence);
  const metrics = createAdmissionMetrics({ cache });
  const reviewer = createReviewer({ policies: set, evidence: cache, budgetMs: opts.budgetMs ?? 2000, failureModes: parseFailureModes('closed', opts.failure ?? []), recorder, metrics });
  const { app } = createWebhookApp({ reviewer, metrics, maxBodyBytes: 64 * 1024 });
  const post = async (path: string, text: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await app.request(path, { method: 'POST', body: text, headers });
    return { status: res.status, json: (await res.json()) as { response: Record<string, any>; error?: { reason: string } } & Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { post, audit, recorder, app, metrics };
}

describe('validate and mutate', () => {
  it('admits a signed image; /mutate pins the digest, /validate never patches', async () => {
    const { post } = setup();
    const m = await post('/mutate', body(podWith(`${REPO}:1`)));
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true, patchType: 'JSONPatch' } });
    expect(JSON.parse(Buffer.from(m.json.response.patch, 'base64').toString())).toEqual([{ op: 'replace', path: '/spec/containers/0/image', value: `${REPO}:1@${SIGNED}` }]);
    const v = await post('/validate', body(podWith(`${REPO}:1`)));
    expect(v.json.response.allowed).toBe(true);
    expect(v.json.response.patch).toBeUndefined();
    expect(v.json.response.patchType).toBeUndefined();
  });

  it('denies an unsigned image with the rule, evidence and fix, and audits the denial', async () => {
    const { post, audit, recorder } = setup();
    const r = await post('/validate', body(podWith(`${REPO}:2`)));
    expect(r.json.response.allowed).toBe(false);
    expect(r.json.response.status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(r.json.response.status.details.causes[0]).toMatchObject({ reason: 'SIGNATURE_MISSING', field: 'spec.containers[0].image' });
    expect(r.json.response.status.message).toContain(`portcullis sign docker://${REPO}@${UNSIGNED}`);
    await recorder.flush();
    expect(audit).toMatchObject([{ action: 'admission.deny', actor: 'user:alice', resource: 'namespaces/shop/pods/p', outcome: 'denied' }]);
  });

  it('dryRun: the same answer, nothing recorded', async () => {
    const { post, audit, recorder } = setup();
    const r = await post('/validate', body(podWith(`${REPO}:2`), { dryRun: true }));
    expect(r.json.response.allowed).toBe(false);
    await recorder.flush();
    expect(audit).toEqual([]);
  });

  it('breakglass admits with a warning and an audit entry', async () => {
    const { post, audit, recorder } = setup();
    const r = await post('/validate', body(podWith(`${REPO}:2`, { annotations: { 'portcullis.dev/breakglass': 'incident 42' } })));
    expect(r.json.response.allowed).toBe(true);
    expect(r.json.response.warnings.some((w: string) => w.startsWith('breakglass:'))).toBe(true);
    expect(r.json.response.auditAnnotations.breakglass).toContain('incident 42');
    await recorder.flush();
    expect(audit.map((a) => a.action)).toEqual(['admission.breakglass']);
  });

  it('a Pod owned by a ReplicaSet is re-verified but not warned again', async () => {
    const { post } = setup();
    const owned = await post('/validate', body(podWith('docker.io/library/nginx:1', { owned: true })));
    expect(owned.json.response.allowed).toBe(false);
    const ownedOk = await post('/validate', body(podWith(`${REPO}:1`, { owned: true }), {}));
    expect(ownedOk.json.response.allowed).toBe(true);
    expect(ownedOk.json.response.warnings).toBeUndefined();
  });

  it('pods/ephemeralcontainers may only patch the ephemeral containers', async () => {
    const { post } = setup();
    const p = podWith(`${REPO}:1`);
    (p.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'debug', image: `${REPO}:1`, securityContext: CONTAINER_SC }];
    const r = await post('/mutate', body(p, { operation: 'UPDATE', subResource: 'ephemeralcontainers' }));
    expect(r.json.response.allowed).toBe(true);
    const patch = JSON.parse(Buffer.from(r.json.response.patch, 'base64').toString()) as { path: string }[];
    expect(patch.map((x) => x.path)).toEqual(['/spec/ephemeralContainers/0/image']);
  });

  it('DELETE and other kinds are admitted without review', async () => {
    const { post } = setup();
    expect((await post('/validate', body(null, { operation: 'DELETE' }))).json.response).toEqual({ uid: 'uid-1', allowed: true });
    expect((await post('/validate', body({ kind: 'ConfigMap' }, { kind: { group: '', version: 'v1', kind: 'ConfigMap' } }))).json.response).toEqual({ uid: 'uid-1', allowed: true });
  });
});

/** Evidence that arrives after `ms` (a slow registry). */
function slow(inner: EvidenceProvider, ms: number): EvidenceProvider {
  const later = <T>(p: () => Promise<T>) => new Promise<T>((r) => setTimeout(() => r(p()), ms));
  return { resolveDigest: (i) => later(() => inner.resolveDigest(i)), artifacts: (i) => later(() => inner.artifacts(i)), vulnerabilities: (i) => later(() => inner.vulnerabilities(i)) };
}

const down: EvidenceProvider = {
  resolveDigest: async () => ({ ok: false, code: 'NETWORK_ERROR', message: 'connect ECONNREFUSED 127.0.0.1:9' }),
  artifacts: async () => ({ ok: false, code: 'NETWORK_ERROR', message: 'connect ECONNREFUSED 127.0.0.1:9' }),
  vulnerabilities: async () => ({ ok: false, code: 'NETWORK_ERROR', message: 'connect ECONNREFUSED 127.0.0.1:9' }),
};

describe('failure modes', () => {
  it.each([
    ['deadline, closed', { evidence: slow(staticEvidence({}), 300), budgetMs: 50 }, 'shop', false, 'DEADLINE_EXCEEDED'],
    ['deadline, open namespace', { evidence: slow(staticEvidence({}), 300), budgetMs: 50, failure: ['sh*=open'] }, 'shop', true, 'DEADLINE_EXCEEDED'],
    ['registry down, closed', { evidence: down }, 'shop', false, 'NETWORK_ERROR'],
    ['registry down, open namespace', { evidence: down, failure: ['shop=open'] }, 'shop', true, 'NETWORK_ERROR'],
    ['registry down, other namespace open', { evidence: down, failure: ['dev=open'] }, 'shop', false, 'NETWORK_ERROR'],
  ])('%s', async (_n, opts, namespace, allowed, reason) => {
    const { post, audit, recorder } = setup(opts);
    const t0 = Date.now();
    const r = await post('/validate', body(podWith(`${REPO}:1`), { namespace }));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.json.response.allowed).toBe(allowed);
    expect(r.json.response.auditAnnotations['failure-mode']).toContain(reason);
    if (allowed) expect(r.json.response.warnings[0]).toContain('failure mode open');
    else expect(r.json.response.status).toMatchObject({ code: 503, message: expect.stringContaining(reason) });
    await recorder.flush();
    expect(audit.map((a) => a.action)).toEqual(['admission.failure-mode']);
  });

  it('a rule that says no is not a failure: the failure mode does not apply', async () => {
    const { post } = setup({ failure: ['shop=open'] });
    expect((await post('/validate', body(podWith(`${REPO}:2`)))).json.response.allowed).toBe(false);
  });
});

describe('bad input and the other endpoints', () => {
  it.each([
    ['not JSON', '{', 400, 'ADMISSION_REVIEW_INVALID'],
    ['wrong apiVersion', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } }), 400, 'ADMISSION_REVIEW_INVALID'],
    ['missing uid', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }), 400, 'ADMISSION_REVIEW_INVALID'],
    ['huge', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', pad: 'x'.repeat(100_000) }), 413, 'REQUEST_TOO_LARGE'],
  ])('%s → %i %s', async (_n, text, status, reason) => {
    const { post } = setup();
    const r = await post('/validate', text);
    expect(r.status).toBe(status);
    expect(r.json.error!.reason).toBe(reason);
  });

  it('a non-JSON content type is a 415', async () => {
    const { post } = setup();
    expect((await post('/validate', body(podWith(`${REPO}:1`)), { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('/healthz, /readyz and /metrics with decisions by result and policy and the cache ratio', async () => {
    const { post, app } = setup();
    await post('/validate', body(podWith(`${REPO}:1`)));
    await post('/validate', body(podWith(`${REPO}:1`)));
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('portcullis_admission_decisions_total{result="allowed",policy="ClusterImagePolicy/signed"} 2');
    expect(text).toMatch(/portcullis_admission_review_duration_seconds_count\{endpoint="validate"\} 2/);
    expect(text).toMatch(/portcullis_admission_cache_hit_ratio 0\.\d+/);
  });
});
