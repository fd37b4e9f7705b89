/**
 * Per-principal token buckets: `burst` requests at once, refilled at `perSecond`. In memory, per
 * server process (each replica limits on its own). A refused request is answered 429 with
 * `Retry-After` (whole seconds until a request is allowed again); clients wait that long and retry.
 */

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Most buckets kept; the least recently used go first. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * The default: what a busy CI pipeline sends in a burst (scanners pushing many images, one
 * request per occurrence or batch) passes; a runaway client is still cut off.
 */
export const DEFAULT_RATE_LIMIT = { perSecond: 1000, burst: 2000 } as const;

export interface RateDecision {
  ok: boolean;
  /** Seconds until one request is allowed again (when !ok). */
  retryAfter: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  take(key: string): RateDecision {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    this.buckets.delete(key);
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > (this.opts.maxKeys ?? 10_000)) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfter: 0 };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond)) };
  }
}
