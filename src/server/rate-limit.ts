/**
 * Per-principal token buckets: `burst` requests at once, refilled at `perSecond`. In memory, per
 * server process (each replica limits on its own).
 */

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Most buckets kept; the least recently used go first. */
  maxKeys?: number;
  now?: () => number;
}

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
