/**
 * The HTTP application of `portcullis server`, as a composition: request-wide middleware, then
 * route groups mounted under their prefixes (`app.route()`). A Hono app on Web Request/Response:
 * tests call `app.request()` without opening a port; `serve.ts` puts it on a socket.
 *
 * Around every request, outermost first: metrics and the log line (middleware/metrics.ts), the
 * unread-body settler and the body limit (413), the URL guard (400), denial auditing
 * (middleware/audit-denials.ts). Each group then runs its own chain, e.g. /v1: route (404, 405) →
 * authenticate (401) → rate limit (429) → authorise (403) → service (routes/grafeas.ts).
 *
 * The groups: health (/healthz, /readyz, /openapi.json), /metrics, the Grafeas API (/v1), local
 * administration (/admin/v1, when configured). To add an API (admission, webhooks, registry
 * events, the console), build a RouteGroup (`{ name, prefix, app, openapi? }`, context.ts) from
 * the middleware factories and pass it in `routeGroups`, or add it to the list below: it is
 * mounted under its prefix and its OpenAPI part joins /openapi.json.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Kysely, RawBuilder } from 'kysely';
import type { AuditEntry } from '../core/index.js';
import type { Logger } from 'pino';
import type { Database } from '../store/index.js';
import type { AuditFn, Env, RouteGroup } from './context.js';
import { errorResponse, googleError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { ClientCertIdentity } from './client-certs.js';
import { auditDenials } from './middleware/audit-denials.js';
import type { AuthnOptions } from './middleware/authn.js';
import { urlGuard } from './middleware/input-guard.js';
import { observeRequests } from './middleware/metrics.js';
import { settleUnreadBody } from './middleware/unread-body.js';
import { buildOpenApi } from './openapi.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { adminRoutes, type AdminRouteOptions } from './routes/admin.js';
import { grafeasRoutes } from './routes/grafeas.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import type { TokenCache } from './token-cache.js';
import type { Principal } from './tokens.js';

export type { AuditFn, RouteGroup } from './context.js';

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
  /**
   * Bearer-token verifications reused for a short time (token-cache.ts); default none: every
   * request asks the database. Revocations through /admin/v1 clear it; on PostgreSQL the caller
   * follows other processes' revocations into it (token-revocations.ts).
   */
  tokenCache?: TokenCache;
  now?: () => Date;
  /** Local administration under /admin/v1 (routes/admin.ts); default none. */
  admin?: AdminRouteOptions;
  /** More route groups, mounted after the built-in ones. */
  routeGroups?: readonly RouteGroup[];
}

export interface ServerApp {
  app: Hono<Env>;
  /** Set while shutting down: /readyz answers 503. */
  state: { draining: boolean };
}

export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export function createApp(opts: AppOptions): ServerApp {
  const { db, logger, metrics, tokenCache } = opts;
  const now = opts.now ?? (() => new Date());
  const services = { db, audit: opts.audit, now, ...(logger ? { logger } : {}) };
  const limiter = opts.rateLimit === false ? undefined : new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const authn: AuthnOptions = {
    db,
    now,
    ...(opts.anonymous ? { anonymous: opts.anonymous } : {}),
    ...(opts.clientIdentities ? { clientIdentities: opts.clientIdentities } : {}),
    ...(tokenCache ? { tokenCache } : {}),
    ...(limiter ? { limiter } : {}),
  };
  const state = { draining: false };
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;

  const groups: RouteGroup[] = [
    grafeasRoutes({
      ...services,
      authn,
      ...(limiter ? { limiter } : {}),
      ...(opts.auditInline ? { auditInline: opts.auditInline } : {}),
      ...(opts.onWriteCommitted ? { onWriteCommitted: opts.onWriteCommitted } : {}),
    }),
    healthRoutes({ db, state, ...(logger ? { logger } : {}), openapi: () => buildOpenApi(groups.flatMap((g) => (g.openapi ? [g.openapi] : []))) }),
    metricsRoutes({ authn, ...(metrics ? { metrics } : {}) }),
    ...(opts.admin
      ? [adminRoutes({ ...services, ...opts.admin, ...(tokenCache ? { onTokenRevoked: (id: string) => tokenCache.invalidate(id) } : {}) })]
      : []),
    ...(opts.routeGroups ?? []),
  ];

  const app = new Hono<Env>();
  app.use('*', observeRequests({ ...(metrics ? { metrics } : {}), ...(logger ? { logger } : {}) }));
  app.use('*', settleUnreadBody(maxBody));
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => c.json(googleError(413, 'INVALID_ARGUMENT', `Request body larger than ${maxBody} bytes`), 413),
    }),
  );
  app.onError((err, c) => errorResponse(c, err, logger));
  app.use('*', urlGuard());
  app.use('*', auditDenials({ db, audit: opts.audit }));
  app.notFound((c) => c.json(googleError(404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`), 404));
  for (const g of groups) app.route(g.prefix, g.app);
  return { app, state };
}
