/**
 * The Grafeas v1 metadata API under /v1, dispatched from the route table (grafeas-table.ts).
 *
 * Per request: path and method → route (404, 405) → authenticate (401) → rate limit (429) →
 * the route's role on the path's project (403) → service. A write and its audit entry share a
 * transaction; a failed write is audited as `error` (or `denied` when the service refused it).
 */
import { Hono, type Context } from 'hono';
import type { RawBuilder } from 'kysely';
import { PortcullisError, type AuditEntry } from '../../core/index.js';
import { remoteOf, type Env, type RouteGroup, type ServerServices } from '../context.js';
import { errorResponse, googleError, toGoogleError } from '../errors.js';
import { authenticate, authorize, type AuthnOptions } from '../middleware/authn.js';
import { readJsonBody } from '../middleware/input-guard.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { RateLimiter } from '../rate-limit.js';
import { allows, type Principal } from '../tokens.js';
import { authorizeRoute, findRoute, matchPath, type MatchedPath, type RouteDef } from './grafeas-table.js';
import { grafeasOpenApi } from './grafeas-openapi.js';

export interface GrafeasOptions extends ServerServices {
  authn: AuthnOptions;
  limiter?: RateLimiter;
  /**
   * The audit entry of a write as SQL to run inside the write's own statement (src/audit
   * pendingAuditCtes); given, single creates are one statement. Else `audit` in a transaction.
   */
  auditInline?: (entry: AuditEntry, guard: string) => RawBuilder<unknown>;
  /** Called after a write (and its pending audit entry) committed: e.g. to link the chain now. */
  onWriteCommitted?: () => void;
}

/** The route of a request, resolved once by the first middleware of the group. */
const resolved = new WeakMap<Request, { route: RouteDef; matched: MatchedPath }>();

function routeOf(c: Context<Env>): { route: RouteDef; matched: MatchedPath } {
  const r = resolved.get(c.req.raw);
  if (!r) throw new PortcullisError({ code: 'INTERNAL', message: 'Grafeas route not resolved' });
  return r;
}

function queryOf(c: Context<Env>): (key: string) => string | undefined {
  const url = new URL(c.req.url);
  return (key) =>
    url.searchParams.get(key) ??
    url.searchParams.get(key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)) ??
    undefined;
}

export function grafeasRoutes(opts: GrafeasOptions): RouteGroup {
  const { db, now, logger } = opts;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const path = c.req.path.slice('/v1/'.length);
    const matched = matchPath(path);
    if (!matched)
      return c.json(googleError(404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`), 404);
    c.set('route', matched.template);
    const { route, allowed } = findRoute(c.req.method, matched.shape);
    if (!route) {
      c.header('Allow', allowed.join(', '));
      return c.json(
        googleError(405, 'UNIMPLEMENTED', `Method ${c.req.method} is not allowed on ${matched.template}`),
        405,
      );
    }
    resolved.set(c.req.raw, { route, matched });
    c.set('action', route.action);
    c.set('resource', path);
    return next();
  });
  app.use('*', authenticate(opts.authn));
  app.use('*', rateLimit(opts.limiter));
  app.use(
    '*',
    authorize((p, c) => {
      const { route, matched } = routeOf(c);
      if (authorizeRoute(p, route, matched.parent)) return { allowed: true };
      return {
        allowed: false,
        message: `The token may not ${route.write ? 'write' : 'read'} in project "${matched.parent.project}"`,
        detail: { role: p.role, needs: route.role, project: matched.parent.project },
      };
    }),
  );

  app.all('*', async (c) => {
    const { route, matched } = routeOf(c);
    const p = c.get('principal') as Principal;
    const actor = c.get('actor');
    const remote = remoteOf(c);
    const who = { actor, ...(remote ? { remote } : {}) };
    try {
      const out = await route.handle({
        db,
        parent: matched.parent,
        ...(matched.name ? { name: matched.name } : {}),
        query: queryOf(c),
        principal: p,
        body: () => readJsonBody(c),
        write: {
          ...who,
          now,
          record: (trx, entry) => opts.audit(trx, entry),
          ...(opts.auditInline ? { recordInline: opts.auditInline } : {}),
          canUseNotesOf: (project) => allows(p, project, 'viewer'),
          canWriteNotesOf: (project) => allows(p, project, 'writer'),
        },
      });
      if (route.write) opts.onWriteCommitted?.();
      return c.json(out);
    } catch (err) {
      if (route.write) {
        const { http } = toGoogleError(err);
        await opts
          .audit(db, {
            ...who,
            action: route.action,
            resource: c.get('resource') ?? c.req.path,
            outcome: http === 403 ? 'denied' : 'error',
            detail: { status: http, code: err instanceof PortcullisError ? err.code : 'INTERNAL' },
          })
          .catch((e: unknown) => logger?.error({ err: e }, 'audit append failed'));
      }
      return errorResponse(c, err, logger);
    }
  });

  return { name: 'grafeas', prefix: '/v1', app, openapi: grafeasOpenApi() };
}
