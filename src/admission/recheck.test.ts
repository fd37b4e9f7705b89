import { describe, expect, it } from 'vitest';
import { staticEvidence } from '../policy/index.js';
import { digestN, policies, signatureLayer, testKey } from '../policy/_testing.js';
import { changesBetween, pinRunningImages, recheck, tryParseRecheckState, type RecheckState } from './recheck.js';

const REPO = 'registry.example/team/app';

function runningPod(name: string, image: string, imageID: string) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'app', image }] }, status: { containerStatuses: [{ name: 'app', image, imageID }] } };
}

describe('pinRunningImages', () => {
  it.each([
    ['containerd imageID', `${REPO}:1`, `${REPO}@${digestN(7)}`, `${REPO}:1@${digestN(7)}`],
    ['docker-pullable imageID', `${REPO}:1`, `docker-pullable://${REPO}@${digestN(7)}`, `${REPO}:1@${digestN(7)}`],
    ['image config id only', `${REPO}:1`, digestN(7), `${REPO}:1`],
    ['already pinned', `${REPO}@${digestN(1)}`, `${REPO}@${digestN(7)}`, `${REPO}@${digestN(1)}`],
  ])('%s', (_n, image, imageID, expected) => {
    const out = pinRunningImages(runningPod('p', image, imageID)) as { spec: { containers: { image: string }[] } };
    expect(out.spec.containers[0]!.image).toBe(expected);
  });
});

const state = (objects: RecheckState['objects']): RecheckState => ({ schemaVersion: 1, checkedAt: '2026-01-01T00:00:00Z', objects });

describe('changesBetween', () => {
  it.each([
    ['no previous run', undefined, state({ a: { allowed: true, denials: [] } }), []],
    ['newly denied', state({ a: { allowed: true, denials: [] } }), state({ a: { allowed: false, denials: ['x'] } }), [{ key: 'a', change: 'newly-denied', added: ['x'], removed: [] }]],
    ['no longer denied', state({ a: { allowed: false, denials: ['x'] } }), state({ a: { allowed: true, denials: [] } }), [{ key: 'a', change: 'no-longer-denied', added: [], removed: ['x'] }]],
    ['reasons changed', state({ a: { allowed: false, denials: ['x'] } }), state({ a: { allowed: false, denials: ['y'] } }), [{ key: 'a', change: 'reasons-changed', added: ['y'], removed: ['x'] }]],
    ['unchanged', state({ a: { allowed: false, denials: ['x'] } }), state({ a: { allowed: false, denials: ['x'] } }), []],
    ['new and gone', state({ a: { allowed: false, denials: ['x'] } }), state({ b: { allowed: true, denials: [] } }), [{ key: 'a', change: 'gone', added: [], removed: ['x'] }, { key: 'b', change: 'new', added: [], removed: [] }]],
  ])('%s', (_n, before, after, expected) => {
    expect(changesBetween(before, after)).toEqual(expected);
  });

  it('state files round-trip and anything else is refused', () => {
    const s = state({ a: { allowed: true, denials: [] } });
    expect(tryParseRecheckState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(tryParseRecheckState({ schemaVersion: 2 })).toBeUndefined();
    expect(tryParseRecheckState({ schemaVersion: 1, checkedAt: 'x', objects: { a: { allowed: 'yes', denials: [] } } })).toBeUndefined();
  });
});

describe('recheck', () => {
  it('judges the digest that runs, not the one the tag points at now', async () => {
    const key = testKey();
    const set = policies(`apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: s}\nnoMatch: allow\nspec:\n  images: ["registry.example/**"]\n  signatures:\n    authorities: [{name: ci, key: {file: ci.pub}}]\n`, { 'ci.pub': key.pem });
    // The tag now points at a signed digest; one pod still runs the older, unsigned one.
    const ev = staticEvidence({ digests: { [`${REPO}:1`]: digestN(1) }, artifacts: { [digestN(1)]: { signatureLayers: [await signatureLayer(key, REPO, digestN(1))], attestationLayers: [], referrers: [] }, [digestN(2)]: { signatureLayers: [], attestationLayers: [], referrers: [] } } });
    const r = await recheck(set, [{ value: runningPod('new', `${REPO}:1`, `${REPO}@${digestN(1)}`) }, { value: runningPod('old', `${REPO}:1`, `${REPO}@${digestN(2)}`) }], ev);
    expect(r.objects.map((o) => [o.key, o.allowed])).toEqual([['shop/Pod/new', true], ['shop/Pod/old', false]]);
    expect(r.objects[1]!.denials[0]).toMatchObject({ rule: 'signatures', code: 'SIGNATURE_MISSING', digest: digestN(2) });
    const again = await recheck(set, [{ value: runningPod('new', `${REPO}:1`, `${REPO}@${digestN(2)}`) }], ev, { previous: r.state });
    expect(again.changes.map((c) => [c.key, c.change])).toEqual([['shop/Pod/new', 'newly-denied'], ['shop/Pod/old', 'gone']]);
  });
});
