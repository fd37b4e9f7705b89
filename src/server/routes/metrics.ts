/** GET /metrics: the Prometheus exposition of ../metrics.ts, to principals with the admin role. */
import { Hono } from 'hono';
import type { Env, OpenApiPart, RouteGroup } from '../context.js';
import type { Metrics } from '../metrics.js';
import { authenticate, authorize, type AuthnOptions } from '../middleware/authn.js';

const OPENAPI: OpenApiPart = {
  paths: {
    '/metrics': {
      get: {
        operationId: 'Metrics',
        description: 'Prometheus metrics; needs the admin role.',
        responses: { 200: { description: 'text/plain exposition format' } },
      },
    },
  },
};

export function metricsRoutes(opts: { authn: AuthnOptions; metrics?: Metrics }): RouteGroup {
  const { metrics } = opts;
  const app = new Hono<Env>();
  app.get(
    '/',
    async (c, next) => {
      c.set('route', '/metrics');
      c.set('action', 'metrics.get');
      await next();
    },
    authenticate(opts.authn),
    authorize((p) => (p.role === 'admin' ? { allowed: true } : { allowed: false, message: '/metrics needs the admin role' })),
    async (c) => {
      if (!metrics) return c.text('', 200);
      return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
    },
  );
  return { name: 'metrics', prefix: '/metrics', app, openapi: OPENAPI };
}
