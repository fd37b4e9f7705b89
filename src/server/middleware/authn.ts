/**
 * Authentication and authorisation of API requests, as two middleware factories.
 *
 * `authenticate` names the principal on the context (`principal`, and `actor` for the log):
 * a client certificate that maps to an identity (mTLS; when no Authorization header is sent),
 * else a bearer token (`Bearer pcs_…`, verified against the store through the token cache),
 * else the configured anonymous principal. Anything else is a 401 with WWW-Authenticate, audited
 * (audit-denials.ts) after a per-address rate limit, so that a flood of failed attempts is cut
 * off before it becomes a flood of audit appends.
 *
 * `authorize` is the check of one route action: a rule over the principal and the request that
 * allows, or refuses with a message and the audit detail (403, audited).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { authenticateClientCert, type ClientCertIdentity } from '../client-certs.js';
import type { Env } from '../context.js';
import { googleError } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import { verifyTokenCached, type TokenCache } from '../token-cache.js';
import { tokenIdOf, type Principal } from '../tokens.js';
import { recordDenial } from './audit-denials.js';
import { takeOrRefuse } from './rate-limit.js';

export interface AuthnOptions {
  db: Kysely<Database>;
  now: () => Date;
  /** Principal of requests without credentials; default none (401). */
  anonymous?: Principal;
  /**
   * Client-certificate identities (the socket verified the certificate against --client-ca).
   * Given, a presented certificate must verify and map to one of them, else 401.
   */
  clientIdentities?: readonly ClientCertIdentity[];
  /** Positive verifications reused for a short time (token-cache.ts); default none. */
  tokenCache?: TokenCache;
  /** The limiter whose per-address bucket failed attempts take; default none. */
  limiter?: RateLimiter;
}

/** Who the audit log and the log lines name. */
export function actorOf(p: Principal): string {
  return p.actor ?? (p.id === 'anonymous' ? 'anonymous' : `token:${p.id}`);
}

const TOKEN_MESSAGES = {
  malformed: 'Invalid token',
  unknown: 'Invalid token',
  expired: 'The token has expired',
  revoked: 'The token has been revoked',
} as const;

type Refusal = { reason: string; actor: string; message: string };

async function identify(c: Context<Env>, opts: AuthnOptions): Promise<Principal | Refusal> {
  const header = c.req.header('authorization');
  if (opts.clientIdentities) {
    const env = c.env as { incoming?: IncomingMessage } | undefined;
    const cert = authenticateClientCert(env?.incoming?.socket, opts.clientIdentities);
    if (cert.kind === 'invalid')
      return { reason: 'certificate-invalid', actor: `cert:${cert.subject}`, message: `The client certificate is not valid (${cert.reason})` };
    if (cert.kind === 'unknown')
      return { reason: 'certificate-unknown', actor: `cert:${cert.subject}`, message: 'The client certificate is not mapped to an identity' };
    if (cert.kind === 'ok' && !header) return cert.principal;
  }
  if (!header) {
    if (opts.anonymous) return opts.anonymous;
    return { reason: 'missing', actor: 'anonymous', message: 'Request is missing a bearer token' };
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return { reason: 'scheme', actor: 'anonymous', message: 'Authorization must be "Bearer TOKEN"' };
  const token = m[1]!;
  const v = await verifyTokenCached(opts.db, token, { now: opts.now(), ...(opts.tokenCache ? { cache: opts.tokenCache } : {}) });
  if (v.ok) return v.principal;
  const id = tokenIdOf(token);
  return { reason: v.reason, actor: id ? `token:${id}` : 'anonymous', message: TOKEN_MESSAGES[v.reason] };
}

/** Middleware: sets `principal` and `actor`, or answers 401 (or 429 for a flood of failures). */
export function authenticate(opts: AuthnOptions): MiddlewareHandler<Env> {
  return async (c, next) => {
    const who = await identify(c, opts);
    if ('reason' in who) {
      const limited = takeOrRefuse(c, opts.limiter, { id: 'anonymous' });
      if (limited) return limited;
      c.header('WWW-Authenticate', c.req.header('authorization') ? 'Bearer realm="portcullis", error="invalid_token"' : 'Bearer realm="portcullis"');
      return recordDenial(c, { actor: who.actor, detail: { status: 401, reason: who.reason } }, c.json(googleError(401, 'UNAUTHENTICATED', who.message), 401));
    }
    c.set('principal', who);
    c.set('actor', actorOf(who));
    return next();
  };
}

export type AccessDecision = { allowed: true } | { allowed: false; message: string; detail?: Record<string, unknown> };

/** A route action's access rule over the authenticated principal. */
export type AccessRule = (p: Principal, c: Context<Env>) => AccessDecision;

/** Middleware (after authenticate): the rule allows, or 403 PERMISSION_DENIED, audited. */
export function authorize(rule: AccessRule): MiddlewareHandler<Env> {
  return async (c, next) => {
    const p = c.get('principal');
    const d: AccessDecision = p ? rule(p, c) : { allowed: false, message: 'Not authenticated' };
    if (!d.allowed)
      return recordDenial(
        c,
        { actor: c.get('actor'), detail: { status: 403, ...(d.detail ?? {}) } },
        c.json(googleError(403, 'PERMISSION_DENIED', d.message), 403),
      );
    return next();
  };
}
