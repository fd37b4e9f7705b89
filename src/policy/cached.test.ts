import { describe, expect, it } from 'vitest';
import { cachedEvidence } from './cached.js';
import type { Evidence, EvidenceProvider, SignedArtifacts } from './evidence.js';

const IMG = { registry: 'r.example', repository: 'team/app', digest: `sha256:${'1'.repeat(64)}` };
const ART: SignedArtifacts = { signatureLayers: [], attestationLayers: [], referrers: [] };

/** A provider whose answers arrive when the test says, counting calls. */
function slowProvider(answers: Evidence<SignedArtifacts>[]) {
  let calls = 0;
  const pending: (() => void)[] = [];
  const p: EvidenceProvider = {
    resolveDigest: () => Promise.resolve({ ok: true, value: IMG.digest }),
    artifacts: () => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!;
      return new Promise((resolve) => pending.push(() => resolve(answer)));
    },
    vulnerabilities: () => Promise.resolve({ ok: false, code: 'OFFLINE', message: 'none' }),
  };
  return { p, calls: () => calls, release: () => pending.splice(0).forEach((f) => f()) };
}

describe('cachedEvidence', () => {
  it('single flight: concurrent lookups share one request; positive answers stay for the TTL', async () => {
    let t = 0;
    const s = slowProvider([{ ok: true, value: ART }]);
    const c = cachedEvidence(s.p, { ttlMs: 1000, now: () => t });
    const all = Promise.all([c.artifacts(IMG), c.artifacts(IMG), c.artifacts(IMG)]);
    s.release();
    const got = await all;
    expect(s.calls()).toBe(1);
    expect(got.every((g) => g.ok && g.value === ART)).toBe(true);
    t = 999;
    await c.artifacts(IMG);
    expect(s.calls()).toBe(1);
    t = 1001;
    const again = c.artifacts(IMG);
    s.release();
    await again;
    expect(s.calls()).toBe(2);
    expect(c.stats()).toMatchObject({ hits: 3, misses: 2 });
  });

  it('failures are shared in flight but not cached; invalidate drops a digest', async () => {
    const s = slowProvider([{ ok: false, code: 'REGISTRY_ERROR', message: '503' }, { ok: true, value: ART }]);
    const c = cachedEvidence(s.p);
    const both = Promise.all([c.artifacts(IMG), c.artifacts(IMG)]);
    s.release();
    expect((await both).map((r) => r.ok)).toEqual([false, false]);
    expect(s.calls()).toBe(1);
    const next = c.artifacts(IMG);
    s.release();
    expect((await next).ok).toBe(true);
    expect(s.calls()).toBe(2);
    c.invalidate(IMG.digest);
    const after = c.artifacts(IMG);
    s.release();
    await after;
    expect(s.calls()).toBe(3);
  });
});
