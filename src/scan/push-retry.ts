/**
 * Retries of requests to the metadata server that it asked us to repeat later: 429 (rate limit)
 * and 503 (draining, database unavailable). The wait is the server's `Retry-After` (seconds or an
 * HTTP date), else a doubling backoff; both are bounded (attempts and longest single wait), so a
 * push in a CI burst waits its turn and a dead server still fails within a known time.
 */
import type { Dispatcher } from 'undici';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 6. */
  attempts?: number;
  /** Longest single wait; a server asking for more is not waited for. Default 60 s. */
  maxWaitMs?: number;
  /** First wait without a Retry-After; doubled each time. Default 500 ms. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told before each wait (e.g. to print "rate-limited, retrying in 2 s"). */
  onRetry?: (info: { status: number; waitMs: number; attempt: number }) => void;
}

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Milliseconds a `Retry-After` value asks for; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export interface RetriedResponse {
  res: Dispatcher.ResponseData;
  /** Attempts made. */
  attempts: number;
  /** What the last refusal asked for, when the retries were given up (for the error message). */
  gaveUp?: { status: number; retryAfterMs: number | undefined };
}

/**
 * Sends with `send()` until the answer is not 429/503 or the policy is spent; returns the last
 * response (its body unread). Bodies of retried responses are drained.
 */
export async function sendWithRetry(send: () => Promise<Dispatcher.ResponseData>, policy: RetryPolicy = {}): Promise<RetriedResponse> {
  const attempts = policy.attempts ?? 6;
  const maxWait = policy.maxWaitMs ?? 60_000;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delay = policy.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (!RETRY_STATUSES.has(res.statusCode)) return { res, attempts: attempt };
    const asked = retryAfterMs(res.headers['retry-after'], (policy.now ?? Date.now)());
    const wait = asked ?? delay;
    if (attempt >= attempts || wait > maxWait) return { res, attempts: attempt, gaveUp: { status: res.statusCode, retryAfterMs: asked } };
    await res.body.dump().catch(() => undefined);
    policy.onRetry?.({ status: res.statusCode, waitMs: wait, attempt });
    await sleep(wait);
    delay *= 2;
  }
}
