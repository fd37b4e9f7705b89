/**
 * Property: no request, however hostile, makes the metadata server answer 5xx (the Hono app on
 * the embedded PGlite store; bench/fuzz-api.ts runs the same arbitraries for minutes against a
 * server process on PostgreSQL). Bounded to ~20 s; fast-check shrinks a failure to a minimal
 * request and prints it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendAudit } from '../src/audit/log.js';
import { testBackends } from '../src/metadata/_testing.js';
import { createApp, type ServerApp } from '../src/server/app.js';
import { createToken } from '../src/server/tokens.js';
import type { Store } from '../src/store/store.js';
import { describeRequest, headersFor, requestArb, seedFuzzTarget, type FuzzIds, type Send } from './support/api-arbitraries.js';

const backend = testBackends('fuzz')[0]!; // PGlite: always here
let store: Store;
let s: ServerApp;
let send: Send;
let tokens: { writer: string; viewer: string };
let ids: FuzzIds;

beforeAll(async () => {
  store = (await backend.open())!;
  s = createApp({ db: store.db, audit: appendAudit, rateLimit: false });
  send = async (method, path, headers, body) => {
    const res = await s.app.request(path, { method, headers, ...(body ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  };
  tokens = {
    writer: (await createToken(store.db, { projects: ['*'], role: 'writer' })).token,
    viewer: (await createToken(store.db, { projects: ['fuzz'], role: 'viewer' })).token,
  };
  ids = await seedFuzzTarget(send, tokens.writer);
});

afterAll(async () => {
  await store?.close();
  backend.cleanup();
});

it('answers every generated request without a 5xx', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestArb(ids), async (r) => {
      const { status, text } = await send(r.method, r.path, headersFor(r, tokens), r.body);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) throw new Error(`${status} ${text.slice(0, 200)} for ${describeRequest(r)}`);
      if (status >= 400 && r.method !== 'HEAD') {
        // Errors are the Google error body with our stable code.
        const e = (JSON.parse(text) as { error: { code: number; status: string; details?: { reason: string }[] } }).error;
        expect(e.code).toBe(status);
      }
    }),
    { numRuns: 1_000_000, interruptAfterTimeLimit: 18_000, markInterruptAsFailure: false, endOnFailure: true },
  );
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(200);
  // The generator reaches the service, not only the guards: successes and refusals both happen.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
}, 120_000);
