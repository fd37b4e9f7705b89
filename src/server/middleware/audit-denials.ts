/**
 * Denial auditing: a middleware that refuses a request (authn.ts: 401, authorize: 403, an admin
 * credential check) records the refusal with `recordDenial` and answers; this middleware, around
 * every route, appends the audit entry once the response is made: the actor, the request's
 * action and resource (as its group set them), the client address and the refusal's detail.
 * An audit append that fails fails the request (fail closed: the error handler answers).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { remoteOf, type AuditFn, type Denial, type Env } from '../context.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/** Marks the request as refused, for auditDenials; returns `response`. */
export function recordDenial(c: Context<Env>, denial: Denial, response: Response): Response {
  c.set('denial', denial);
  return response;
}

export function auditDenials(opts: { db: Kysely<Database>; audit: AuditFn }): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    const d = c.get('denial');
    if (!d) return;
    c.set('denial', undefined);
    const remote = remoteOf(c);
    await opts.audit(opts.db, {
      actor: d.actor,
      action: c.get('action') ?? 'unknown',
      resource: c.get('resource') ?? c.req.path,
      outcome: 'denied',
      ...(remote ? { remote } : {}),
      detail: d.detail,
    });
  };
}
