/**
 * Authentication of the local admin endpoints: the bearer must be the local admin credential, a
 * secret made at each start and written into the data directory's lock file (0600), so whoever
 * presents it has read the data directory. No API token opens them, not even an admin one.
 * Failed attempts are audited (audit-denials.ts), at most a few per second per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { remoteOf, type Env } from '../context.js';
import { googleError } from '../errors.js';
import { RateLimiter } from '../rate-limit.js';
import { ADMIN_ACTOR } from '../token-admin.js';
import { recordDenial } from './audit-denials.js';


function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Middleware: `tokenHash` is the SHA-256 (hex) of the local admin credential. */
export function adminCredential(tokenHash: string): MiddlewareHandler<Env> {
  const expected = Buffer.from(tokenHash, 'hex');
  const failures = new RateLimiter({ perSecond: 1, burst: 10 });
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (m && timingSafeEqual(sha256(m[1]!), expected)) {
      c.set('actor', ADMIN_ACTOR);
      return next();
    }
    const d = failures.take(remoteOf(c) ?? '');
    if (!d.ok) {
      c.header('Retry-After', String(d.retryAfter));
      return c.json(googleError(429, 'RESOURCE_EXHAUSTED', `Too many failed attempts; retry after ${d.retryAfter} s`), 429);
    }
    c.header('WWW-Authenticate', 'Bearer realm="portcullis-admin"');
    return recordDenial(
      c,
      { actor: 'anonymous', detail: { status: 401, reason: m ? 'admin-credential' : 'missing' } },
      c.json(googleError(401, 'UNAUTHENTICATED', 'The admin endpoints need the local admin credential of this server'), 401),
    );
  };
}
