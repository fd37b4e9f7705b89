/**
 * The one retry policy of outbound HTTP: which answers and failures are worth repeating, how long
 * to wait (the server's `Retry-After`, else an exponential backoff with jitter) and when to stop
 * (attempts, the longest wait a server may ask for, a total time budget, an abort signal).
 * `HttpClient.request` applies it to single requests; `withRetry` to a sequence of requests that
 * has to be repeated as a whole (an upload: POST, then PUT to the location the POST opened).
 */
import { PortcullisError } from '../core/index.js';
import { HttpNetworkError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before the first retry; doubled for each further one. Default 250 ms. */
  baseDelayMs?: number;
  /** Longest backoff (before jitter). Default 5 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured: a server asking for more is not waited for. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Budget of all attempts and waits together: no wait is started that would end after it. Default 120 s. */
  maxTotalMs?: number;
  /** Answers retried. Default 429, 502, 503, 504. */
  statuses?: readonly number[];
  /**
   * Also retry POST and PATCH after the request may have been processed (a reset connection, a
   * 502 or 504): only for requests the server treats as idempotent. Failures to connect, 429 and
   * 503 (the server says it did not process the request) are retried for every method.
   */
  retryNonIdempotent?: boolean;
  /** Told before each wait, e.g. to print "retrying in 2 s: 503". */
  onRetry?: (event: RetryEvent) => void;
  /** For tests: the clock, the sleep and the jitter source. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  waitMs: number;
  /** The HTTP status, or the network error code (`ECONNRESET`, `UND_ERR_CONNECT_TIMEOUT`, …). */
  reason: string;
  status?: number;
}

export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 502, 503, 504];

/** Answers by which the server says it did not act on the request (RFC 6585 §4, RFC 9110 §15.6.4). */
const NOT_PROCESSED: ReadonlySet<number> = new Set([429, 503]);

/** Whether a retried `status` may be repeated for a request that is not idempotent. */
export function isUnprocessedStatus(status: number): boolean {
  return NOT_PROCESSED.has(status);
}

/** Methods whose repetition has the effect of one request (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Milliseconds a `Retry-After` value (RFC 9110 §10.2.3: seconds or an HTTP date) asks for; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date names a day and a month: Date.parse alone would read "-1" as a year.
  const t = /[a-z]/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** A sleep that ends early, rejecting, when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(signal: AbortSignal): PortcullisError {
  return new PortcullisError({ code: 'ABORTED', message: 'The request was cancelled', cause: signal.reason });
}

/**
 * The state of one retried operation: counts attempts, decides the next wait, sleeps. Both the
 * single-request retry and `withRetry` go through it, so the policy lives here only.
 */
export class RetrySchedule {
  attempt = 1;
  private readonly started: number;
  private readonly p: Required<Omit<RetryPolicy, 'onRetry' | 'retryNonIdempotent'>> & Pick<RetryPolicy, 'onRetry' | 'retryNonIdempotent'>;

  constructor(
    policy: RetryPolicy | false | undefined,
    private readonly signal?: AbortSignal,
  ) {
    const given = policy === false ? { maxAttempts: 1 } : (policy ?? {});
    this.p = {
      maxAttempts: given.maxAttempts ?? 5,
      baseDelayMs: given.baseDelayMs ?? 250,
      maxDelayMs: given.maxDelayMs ?? 5_000,
      maxRetryAfterMs: given.maxRetryAfterMs ?? 60_000,
      maxTotalMs: given.maxTotalMs ?? 120_000,
      statuses: given.statuses ?? DEFAULT_RETRY_STATUSES,
      now: given.now ?? Date.now,
      sleep: given.sleep ?? abortableSleep,
      random: given.random ?? Math.random,
      onRetry: given.onRetry,
      retryNonIdempotent: given.retryNonIdempotent,
    };
    this.started = this.p.now();
  }

  get retryNonIdempotent(): boolean {
    return this.p.retryNonIdempotent === true;
  }

  now(): number {
    return this.p.now();
  }

  isRetryStatus(status: number): boolean {
    return this.p.statuses.includes(status);
  }

  /** Backoff before retry number `n` (1-based): doubling from the base, capped, the upper half jittered. */
  backoffMs(n: number): number {
    const d = Math.min(this.p.maxDelayMs, this.p.baseDelayMs * 2 ** (n - 1));
    return Math.round(d / 2 + this.p.random() * (d / 2));
  }

  /** How long to wait before the next attempt; undefined when the policy is spent. */
  nextWait(retryAfter?: number): number | undefined {
    if (this.attempt >= this.p.maxAttempts) return undefined;
    if (retryAfter !== undefined && retryAfter > this.p.maxRetryAfterMs) return undefined;
    const wait = retryAfter ?? this.backoffMs(this.attempt);
    if (this.p.now() - this.started + wait > this.p.maxTotalMs) return undefined;
    return wait;
  }

  /** Tells `onRetry`, waits (abortably) and counts the next attempt. */
  async wait(waitMs: number, reason: { reason: string; status?: number }): Promise<void> {
    this.p.onRetry?.({ attempt: this.attempt, waitMs, ...reason });
    await this.p.sleep(waitMs, this.signal);
    if (this.signal?.aborted) throw abortedError(this.signal);
    this.attempt++;
  }
}

/**
 * Thrown inside a `withRetry` operation to have it run again: the server answered a retried
 * status. `final` is what is thrown when the policy is spent.
 */
export class RetryableStatus extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    readonly final: Error,
  ) {
    super(`HTTP ${status}`);
    this.name = 'RetryableStatus';
  }
}

export interface WithRetryOptions {
  retry?: RetryPolicy | false;
  signal?: AbortSignal;
}

/**
 * Runs `op` until it succeeds, under the retry policy: again after a `RetryableStatus` it threw
 * or a network failure (`HttpNetworkError`) that a repetition may cure; the operation as a whole
 * is taken to be safe to repeat. Use it for a sequence of requests that must be repeated
 * together; its requests should then not retry themselves (`retry: false`).
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: WithRetryOptions = {}): Promise<T> {
  const schedule = new RetrySchedule(opts.retry, opts.signal);
  for (;;) {
    try {
      return await op(schedule.attempt);
    } catch (err) {
      let wait: number | undefined;
      let reason: { reason: string; status?: number };
      if (err instanceof RetryableStatus && schedule.isRetryStatus(err.status)) {
        wait = schedule.nextWait(err.retryAfterMs);
        reason = { reason: String(err.status), status: err.status };
        if (wait === undefined) throw err.final;
      } else if (err instanceof HttpNetworkError && err.retryable !== false) {
        wait = schedule.nextWait();
        reason = { reason: err.reason };
      } else {
        throw err instanceof RetryableStatus ? err.final : err;
      }
      if (wait === undefined) throw err;
      await schedule.wait(wait, reason);
    }
  }
}
