import { describe, expect, it } from 'vitest';
import { isPortcullisError } from '../core/errors.js';
import { isControllerOwned, parseAdmissionReview, reviewTarget, type AdmissionRequest } from './review.js';

const enc = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));
const request = (over: Record<string, unknown> = {}) => ({ uid: 'u-1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'shop', operation: 'CREATE', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }, ...over });
const review = (req: unknown, over: Record<string, unknown> = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req, ...over });

function codeOf(body: Uint8Array, max?: number): string | undefined {
  try {
    parseAdmissionReview(body, max);
    return undefined;
  } catch (err) {
    return isPortcullisError(err) ? err.code : 'THROWN';
  }
}

describe('parseAdmissionReview', () => {
  it.each([
    ['empty body', enc(''), 'ADMISSION_REVIEW_INVALID'],
    ['not JSON', enc('{"apiVersion":'), 'ADMISSION_REVIEW_INVALID'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'ADMISSION_REVIEW_INVALID'],
    ['a JSON array', enc([1]), 'ADMISSION_REVIEW_INVALID'],
    ['v1beta1', enc(review(request(), { apiVersion: 'admission.k8s.io/v1beta1' })), 'ADMISSION_REVIEW_INVALID'],
    ['wrong kind', enc(review(request(), { kind: 'Pod' })), 'ADMISSION_REVIEW_INVALID'],
    ['no request', enc(review(undefined)), 'ADMISSION_REVIEW_INVALID'],
    ['missing uid', enc(review(request({ uid: undefined }))), 'ADMISSION_REVIEW_INVALID'],
    ['empty uid', enc(review(request({ uid: '' }))), 'ADMISSION_REVIEW_INVALID'],
    ['unknown operation', enc(review(request({ operation: 'PATCH' }))), 'ADMISSION_REVIEW_INVALID'],
    ['kind not an object', enc(review(request({ kind: 'Pod' }))), 'ADMISSION_REVIEW_INVALID'],
    ['object an array', enc(review(request({ object: [] }))), 'ADMISSION_REVIEW_INVALID'],
    ['too large', enc(review(request({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x'.repeat(2000) } } }))), 'REQUEST_TOO_LARGE'],
    ['valid', enc(review(request())), undefined],
    ['valid with unknown fields', enc(review(request({ extraField: 1, userInfo: { username: 'u', extra: { a: ['b'] } } }), { extra: true })), undefined],
  ])('%s', (_name, body, code) => {
    expect(codeOf(body, 1024)).toBe(code);
  });
});

describe('reviewTarget', () => {
  const req = (over: Record<string, unknown>) => parseAdmissionReview(enc(review(request(over))));
  it.each([
    ['a Pod CREATE', {}, true],
    ['a Pod UPDATE', { operation: 'UPDATE' }, true],
    ['DELETE', { operation: 'DELETE', object: null }, false],
    ['CONNECT', { operation: 'CONNECT' }, false],
    ['pods/status', { subResource: 'status' }, false],
    ['pods/ephemeralcontainers', { subResource: 'ephemeralcontainers', operation: 'UPDATE' }, true],
    ['a ConfigMap', { kind: { group: '', version: 'v1', kind: 'ConfigMap' }, object: { kind: 'ConfigMap' } }, false],
    ['a CronJob', { kind: { group: 'batch', version: 'v1', kind: 'CronJob' }, object: { apiVersion: 'batch/v1', kind: 'CronJob', spec: {} } }, true],
  ])('%s', (_n, over, reviewed) => {
    expect(reviewTarget(req(over)).review).toBe(reviewed);
  });

  it('fills apiVersion and kind from request.kind when the object has none', () => {
    const t = reviewTarget(req({ kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, object: { metadata: { name: 'd' }, spec: {} } }));
    expect(t).toMatchObject({ review: true, object: { apiVersion: 'apps/v1', kind: 'Deployment' } });
  });

  it('refuses a CREATE without an object', () => {
    expect(() => reviewTarget({ ...(request() as unknown as AdmissionRequest), object: null })).toThrow(expect.objectContaining({ code: 'ADMISSION_REVIEW_INVALID' }));
  });

  it.each([
    [{ ownerReferences: [{ kind: 'ReplicaSet', controller: true }] }, true],
    [{ ownerReferences: [{ kind: 'ConfigMap' }] }, false],
    [{}, false],
  ])('isControllerOwned(%j) = %s', (metadata, owned) => {
    expect(isControllerOwned({ metadata })).toBe(owned);
  });
});
