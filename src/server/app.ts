/**
 * The HTTP application of `portcullis server`: the Grafeas v1 API under /v1, /healthz, /readyz,
 * /metrics and /openapi.json. A Hono app on Web Request/Response: tests call `app.request()`
 * without opening a port; `serve.ts` puts it on a socket.
 *
 * Per request under /v1: route → bearer token (401) → rate limit (429) → role on the path's
 * project (403) → service. Writes and their audit entry share a transaction; denied requests are
 * audited too.
 */
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { AuditEntry } from '../core/audit-entry.js';
import { PortcullisError } from '../core/errors.js';
import type { Database } from '../store/schema.js';
import { mountAdminRoutes, type AdminRouteOptions } from './admin-routes.js';
import { googleError, toGoogleError } from './errors.js';
import type { Metrics } from './metrics.js';
import { authenticateClientCert, type ClientCertIdentity } from './client-certs.js';
import { buildOpenApi } from './openapi.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { readJsonBody, urlGuard } from './input-guard.js';
import { settleUnreadBody } from './unread-body.js';
import { authorizeRoute, findRoute, matchPath, type MatchedPath, type RouteDef } from './routes.js';
import { allows, tokenIdOf, verifyToken, type Principal } from './tokens.js';

export type AuditFn = (
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
) => Promise<unknown>;

export interface AppOptions {
  db: Kysely<Database>;
  /** The audit log (src/audit appendAudit). */
  audit: AuditFn;
  /**
   * The audit entry of a write as SQL to run inside the write's own statement (src/audit
   * pendingAuditCtes); given, single creates are one statement. Else `audit` in a transaction.
   */
  auditInline?: (entry: AuditEntry, guard: string) => RawBuilder<unknown>;
  /** Called after a write (and its pending audit entry) committed: e.g. to link the chain now. */
  onWriteCommitted?: () => void;
  logger?: Logger;
  metrics?: Metrics;
  /** Per-token rate limit; false: none. Default DEFAULT_RATE_LIMIT (rate-limit.ts). */
  rateLimit?: Omit<RateLimitOptions, 'now'> | false;
  /** Largest request body; default 10 MiB. */
  maxBodyBytes?: number;
  /** Principal of requests without credentials; default none (401). */
  anonymous?: Principal;
  /**
   * Client-certificate identities (mTLS; the socket verifies against --client-ca). Given, a
   * presented certificate must verify and map to one of them, else 401; a request with such a
   * certificate and no Authorization header is that identity.
   */
  clientIdentities?: readonly ClientCertIdentity[];
  now?: () => Date;
  /** Local administration under /admin/v1 (admin-routes.ts); default none. */
  admin?: AdminRouteOptions;
}

export interface ServerApp {
  app: Hono<Env>;
  /** Set while shutting down: /readyz answers 503. */
  state: { draining: boolean };
}

type Env = { Variables: { route: string; actor: string } };

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

function remoteOf(c: Context<Env>): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? undefined;
}

function errorJson(c: Context<Env>, err: unknown, logger?: Logger) {
  let e = err;
  const code = (err as { code?: unknown })?.code;
  if (
    !(err instanceof PortcullisError) &&
    typeof code === 'string' &&
    (/^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code))
  )
    e = new PortcullisError({
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is unavailable',
      cause: err,
    });
  const { http, body } = toGoogleError(e);
  if (http >= 500) logger?.error({ err, route: c.get('route') }, 'request failed');
  return c.json(body, http as 500);
}

export function createApp(opts: AppOptions): ServerApp {
  const { db, logger, metrics } = opts;
  const now = opts.now ?? (() => new Date());
  const limiter =
    opts.rateLimit === false ? undefined : new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const state = { draining: false };
  const app = new Hono<Env>();

  // Outermost: one log line and one metrics sample per request.
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    c.set('route', 'unmatched');
    c.set('actor', '-');
    await next();
    const seconds = (performance.now() - t0) / 1000;
    const route = c.get('route');
    metrics?.observe({ method: c.req.method, route, status: c.res.status }, seconds);
    logger?.info(
      {
        method: c.req.method,
        path: c.req.path,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1e4) / 10,
        actor: c.get('actor'),
        remote: remoteOf(c),
      },
      'request',
    );
  });

  app.use('*', settleUnreadBody(opts.maxBodyBytes ?? DEFAULT_MAX_BODY));
  app.use(
    '*',
    bodyLimit({
      maxSize: opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
      onError: (c) =>
        c.json(
          googleError(
            413,
            'INVALID_ARGUMENT',
            `Request body larger than ${opts.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes`,
          ),
          413,
        ),
    }),
  );

  app.onError((err, c) => errorJson(c, err, logger));
  app.use('*', urlGuard());
  app.notFound((c) =>
    c.json(googleError(404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`), 404),
  );

  app.get('/healthz', (c) => {
    c.set('route', '/healthz');
    return c.json({ status: 'ok' });
  });

  app.get('/readyz', async (c) => {
    c.set('route', '/readyz');
    if (state.draining) return c.json({ status: 'draining' }, 503);
    try {
      await sql`select 1`.execute(db);
      return c.json({ status: 'ok' });
    } catch (err) {
      logger?.warn({ err }, 'readiness check failed');
      return c.json({ status: 'database unavailable' }, 503);
    }
  });

  if (opts.admin) mountAdminRoutes(app, { ...opts.admin, db, audit: opts.audit, now, ...(logger ? { logger } : {}) });

  app.get('/openapi.json', (c) => {
    c.set('route', '/openapi.json');
    return c.json(buildOpenApi());
  });

  /** Authenticates; on failure returns the 401 response (after auditing it). */
  async function authenticate(c: Context<Env>, action: string): Promise<Principal | Response> {
    const header = c.req.header('authorization');
    const remote = remoteOf(c);
    const deny = async (reason: string, actor: string, message: string) => {
      // Failed attempts share one bucket per client address, so a flood of them is cut off
      // before it turns into a flood of audit appends.
      const limited = rateLimited(c, { id: 'anonymous', role: 'viewer', projects: [] });
      if (limited) return limited;
      await opts.audit(db, {
        actor,
        action,
        resource: c.req.path.replace(/^\/v1\//, ''),
        outcome: 'denied',
        ...(remote ? { remote } : {}),
        detail: { status: 401, reason },
      });
      c.header(
        'WWW-Authenticate',
        header ? 'Bearer realm="portcullis", error="invalid_token"' : 'Bearer realm="portcullis"',
      );
      return c.json(googleError(401, 'UNAUTHENTICATED', message), 401);
    };
    if (opts.clientIdentities) {
      const env = c.env as { incoming?: IncomingMessage } | undefined;
      const cert = authenticateClientCert(env?.incoming?.socket, opts.clientIdentities);
      if (cert.kind === 'invalid' || cert.kind === 'unknown')
        return deny(
          cert.kind === 'invalid' ? 'certificate-invalid' : 'certificate-unknown',
          `cert:${cert.subject}`,
          cert.kind === 'invalid'
            ? `The client certificate is not valid (${cert.reason})`
            : 'The client certificate is not mapped to an identity',
        );
      if (cert.kind === 'ok' && !header) return cert.principal;
    }
    if (!header) {
      if (opts.anonymous) return opts.anonymous;
      return deny('missing', 'anonymous', 'Request is missing a bearer token');
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return deny('scheme', 'anonymous', 'Authorization must be "Bearer TOKEN"');
    const v = await verifyToken(db, m[1]!, now());
    if (!v.ok) {
      const id = tokenIdOf(m[1]!);
      return deny(
        v.reason,
        id ? `token:${id}` : 'anonymous',
        v.reason === 'expired'
          ? 'The token has expired'
          : v.reason === 'revoked'
            ? 'The token has been revoked'
            : 'Invalid token',
      );
    }
    return v.principal;
  }

  function actorOf(p: Principal): string {
    return p.actor ?? (p.id === 'anonymous' ? 'anonymous' : `token:${p.id}`);
  }

  function rateLimited(c: Context<Env>, p: Principal): Response | undefined {
    if (!limiter) return undefined;
    const d = limiter.take(p.id === 'anonymous' ? `anonymous:${remoteOf(c) ?? ''}` : p.id);
    if (d.ok) return undefined;
    c.header('Retry-After', String(d.retryAfter));
    return c.json(
      googleError(429, 'RESOURCE_EXHAUSTED', `Rate limit exceeded; retry after ${d.retryAfter} s`),
      429,
    );
  }

  app.get('/metrics', async (c) => {
    c.set('route', '/metrics');
    const p = await authenticate(c, 'metrics.get');
    if (p instanceof Response) return p;
    c.set('actor', actorOf(p));
    if (p.role !== 'admin') {
      await opts.audit(db, {
        actor: actorOf(p),
        action: 'metrics.get',
        resource: '/metrics',
        outcome: 'denied',
        detail: { status: 403 },
      });
      return c.json(googleError(403, 'PERMISSION_DENIED', '/metrics needs the admin role'), 403);
    }
    if (!metrics) return c.text('', 200);
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  app.all('/v1/*', async (c) => {
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
    const p = await authenticate(c, route.action);
    if (p instanceof Response) return p;
    const actor = actorOf(p);
    c.set('actor', actor);
    const limited = rateLimited(c, p);
    if (limited) return limited;
    const remote = remoteOf(c);
    const resource = path;
    if (!authorizeRoute(p, route, matched.parent)) {
      await opts.audit(db, {
        actor,
        action: route.action,
        resource,
        outcome: 'denied',
        ...(remote ? { remote } : {}),
        detail: { status: 403, role: p.role, needs: route.role, project: matched.parent.project },
      });
      return c.json(
        googleError(
          403,
          'PERMISSION_DENIED',
          `The token may not ${route.write ? 'write' : 'read'} in project "${matched.parent.project}"`,
        ),
        403,
      );
    }
    const url = new URL(c.req.url);
    const query = (key: string) =>
      url.searchParams.get(key) ??
      url.searchParams.get(key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)) ??
      undefined;
    try {
      const out = await run(route, matched, c, p, query, { actor, ...(remote ? { remote } : {}) });
      if (route.write) opts.onWriteCommitted?.();
      return c.json(out);
    } catch (err) {
      if (route.write) {
        const { http } = toGoogleError(err);
        const denied = http === 403;
        await opts
          .audit(db, {
            actor,
            action: route.action,
            resource,
            outcome: denied ? 'denied' : 'error',
            ...(remote ? { remote } : {}),
            detail: { status: http, code: err instanceof PortcullisError ? err.code : 'INTERNAL' },
          })
          .catch((e: unknown) => logger?.error({ err: e }, 'audit append failed'));
      }
      return errorJson(c, err, logger);
    }
  });

  function run(
    route: RouteDef,
    m: MatchedPath,
    c: Context<Env>,
    p: Principal,
    query: (k: string) => string | undefined,
    who: { actor: string; remote?: string },
  ) {
    return route.handle({
      db,
      parent: m.parent,
      ...(m.name ? { name: m.name } : {}),
      query,
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
  }

  return { app, state };
}
