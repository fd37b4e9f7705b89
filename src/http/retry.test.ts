/** The retry policy itself: Retry-After values, backoff bounds, and `withRetry` over a sequence. */
import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../core/errors.js';
import { HttpNetworkError } from './errors.js';
import { retryAfterMs, RetryableStatus, RetrySchedule, withRetry } from './retry.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    [' 7 ', 7000],
    [new Date(now + 10_000).toUTCString(), 10_000],
    [new Date(now - 10_000).toUTCString(), 0],
    ['soon', undefined],
    ['-1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (v, want) => expect(retryAfterMs(v, now)).toBe(want));
});

describe('backoff', () => {
  it.each([
    [0, [125, 250, 500, 1000, 2000, 2500]],
    [1, [250, 500, 1000, 2000, 4000, 5000]],
  ])('jitter %s: doubles from the base in the upper half, capped', (random, want) => {
    const s = new RetrySchedule({ random: () => random });
    expect([1, 2, 3, 4, 5, 6].map((n) => s.backoffMs(n))).toEqual(want);
  });

  it('a Retry-After is taken as asked, and one over the bound gives up', () => {
    const s = new RetrySchedule({ maxRetryAfterMs: 10_000 });
    expect(s.nextWait(9_000)).toBe(9_000);
    expect(s.nextWait(10_001)).toBeUndefined();
  });

  it('the total budget counts time already spent', () => {
    let t = 0;
    const s = new RetrySchedule({ maxTotalMs: 1000, now: () => t });
    expect(s.nextWait(900)).toBe(900);
    t = 500;
    expect(s.nextWait(600)).toBeUndefined();
  });
});

describe('withRetry', () => {
  const policy = { baseDelayMs: 1, sleep: async () => undefined };
  const final = new PortcullisError({ code: 'REGISTRY_ERROR', message: 'gave up' });

  it('repeats the whole operation after a retried status and a network failure', async () => {
    const seen: number[] = [];
    const r = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt === 1) throw new RetryableStatus(503, undefined, final);
        if (attempt === 2) throw new HttpNetworkError('NETWORK_ERROR', 'reset', 'ECONNRESET', 'request', undefined);
        return 'done';
      },
      { retry: policy },
    );
    expect([r, seen]).toEqual(['done', [1, 2, 3]]);
  });

  it.each([
    ['a status the policy does not retry', () => new RetryableStatus(500, undefined, final), 'REGISTRY_ERROR', 1],
    ['a failure a repetition cannot cure', () => new HttpNetworkError('TLS_UNTRUSTED', 'x', 'CERT', false, undefined), 'TLS_UNTRUSTED', 1],
    ['any other error', () => new PortcullisError({ code: 'DIGEST_MISMATCH', message: 'x' }), 'DIGEST_MISMATCH', 1],
    ['a retried status past the attempts', () => new RetryableStatus(429, 0, final), 'REGISTRY_ERROR', 3],
  ])('%s: thrown (the final error for statuses)', async (_name, make, code, attempts) => {
    let n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw make();
        },
        { retry: { ...policy, maxAttempts: 3 } },
      ),
    ).rejects.toMatchObject({ code });
    expect(n).toBe(attempts);
  });
});
