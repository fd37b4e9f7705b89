/**
 * Rate limiting per principal (the token bucket of ../rate-limit.ts): after authentication, each
 * token (or client certificate) has its bucket; anonymous requests, and failed authentications
 * (authn.ts), share one bucket per client address. Refused: 429 with Retry-After.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { remoteOf, type Env } from '../context.js';
import { googleError } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Principal } from '../tokens.js';

/** The bucket of a principal: its id, or the client address for anonymous requests. */
export function bucketOf(c: Context<Env>, p: Pick<Principal, 'id'>): string {
  return p.id === 'anonymous' ? `anonymous:${remoteOf(c) ?? ''}` : p.id;
}

/** Takes one request from the bucket of `p`; the 429 response when it is empty. */
export function takeOrRefuse(c: Context<Env>, limiter: RateLimiter | undefined, p: Pick<Principal, 'id'>): Response | undefined {
  if (!limiter) return undefined;
  const d = limiter.take(bucketOf(c, p));
  if (d.ok) return undefined;
  c.header('Retry-After', String(d.retryAfter));
  return c.json(googleError(429, 'RESOURCE_EXHAUSTED', `Rate limit exceeded; retry after ${d.retryAfter} s`), 429);
}

/** Middleware: the authenticated principal's bucket (none set: anonymous). */
export function rateLimit(limiter: RateLimiter | undefined): MiddlewareHandler<Env> {
  return async (c, next) => {
    const refused = takeOrRefuse(c, limiter, c.get('principal') ?? { id: 'anonymous' });
    if (refused) return refused;
    return next();
  };
}
