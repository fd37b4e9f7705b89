/**
 * Policy engine benchmark, in process (not a test: machines are noisy). Run with
 * `npx tsx bench/policy-engine.ts`.
 *
 * A restricted PSS workload policy plus an image policy with a signature authority and a
 * vulnerability threshold, evaluated on a Deployment with two images, behind the cached evidence
 * provider once warm (what the admission webhook sees for a digest it has verified before).
 * Floor: `evaluatePod` of the PSS engine alone on the same pod. Budget: p99 ≤ 1 ms per review.
 */
import { performance } from 'node:perf_hooks';
import { evaluatePod } from '../src/checks/k8s/pss/evaluate.js';
import { digestN, policies, signatureLayer, testKey } from '../src/policy/_testing.js';
import { cachedEvidence, evaluate, staticEvidence } from '../src/policy/index.js';

const N = Number(process.env.BENCH_REVIEWS ?? 20_000);
const BUDGET_P99_MS = 1;
const REPO = 'registry.example/team/app';

const key = testKey();
const d1 = digestN(1);
const d2 = digestN(2);
const set = policies(
  `apiVersion: portcullis.dev/v1alpha1
kind: ClusterWorkloadPolicy
metadata: {name: restricted}
noMatch: deny
spec: {podSecurity: {level: restricted, version: latest}}
---
apiVersion: portcullis.dev/v1alpha1
kind: ClusterImagePolicy
metadata: {name: signed}
spec:
  images: ["registry.example/**"]
  digests: mutate
  signatures: {authorities: [{name: ci, key: {file: ci.pub}}]}
  vulnerabilities: {maxSeverity: HIGH, maxEvidenceAge: 7d}
`,
  { 'ci.pub': key.pem },
);
const sc = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const spec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', image: `${REPO}:1`, securityContext: sc }, { name: 'b', image: `${REPO}@${d2}`, securityContext: sc }] };
const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { metadata: {}, spec } } };
const scan = { scannedAt: new Date(), source: 'metadata', findings: [{ id: 'CVE-1', severity: 'HIGH' as const, fixable: true, evidenceId: 'o' }] };
const evidence = cachedEvidence(
  staticEvidence({
    digests: { [`${REPO}:1`]: d1 },
    artifacts: { [d1]: { signatureLayers: [await signatureLayer(key, REPO, d1)], attestationLayers: [], referrers: [] }, [d2]: { signatureLayers: [await signatureLayer(key, REPO, d2)], attestationLayers: [], referrers: [] } },
    vulnerabilities: { [d1]: scan, [d2]: scan },
  }),
);

function p99(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;
}

const first = await evaluate(set, { object }, evidence);
if (!first.allowed) throw new Error(`the benchmark review is denied: ${JSON.stringify(first.results)}`);
const times: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  await evaluate(set, { object }, evidence);
  times.push(performance.now() - t);
}
const floor: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  evaluatePod({ level: 'restricted', version: 'latest', meta: {}, spec });
  floor.push(performance.now() - t);
}
const p50 = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
const p = p99(times);
const f = p99(floor);
console.log(`policy engine, warm evidence: p50 ${p50.toFixed(3)} ms, p99 ${p.toFixed(3)} ms per review (${N} reviews), PSS alone p99 ${f.toFixed(4)} ms, ratio ${(p / f).toFixed(1)}x; budget p99 ≤ ${BUDGET_P99_MS} ms: ${p <= BUDGET_P99_MS ? 'ok' : 'OVER'}`);
