/**
 * Unauthenticated probes and the API description: /healthz (the process is up), /readyz (the
 * database answers and the server is not draining), /openapi.json (every mounted group's part).
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Env, OpenApiPart, RouteGroup, ServerServices } from '../context.js';

export interface HealthOptions extends Pick<ServerServices, 'db' | 'logger'> {
  /** Set while shutting down: /readyz answers 503. */
  state: { draining: boolean };
  /** The OpenAPI document, built once all groups are known. */
  openapi: () => Record<string, unknown>;
}

const OPENAPI: OpenApiPart = {
  paths: {
    '/healthz': {
      get: { operationId: 'Healthz', security: [], responses: { 200: { description: 'The process is up' } } },
    },
    '/readyz': {
      get: {
        operationId: 'Readyz',
        security: [],
        responses: { 200: { description: 'The database answers' }, 503: { description: 'Not ready' } },
      },
    },
    '/openapi.json': {
      get: { operationId: 'OpenApi', security: [], responses: { 200: { description: 'This document' } } },
    },
  },
};

export function healthRoutes(opts: HealthOptions): RouteGroup {
  const app = new Hono<Env>();
  app.get('/healthz', (c) => {
    c.set('route', '/healthz');
    return c.json({ status: 'ok' });
  });
  app.get('/readyz', async (c) => {
    c.set('route', '/readyz');
    if (opts.state.draining) return c.json({ status: 'draining' }, 503);
    try {
      await sql`select 1`.execute(opts.db);
      return c.json({ status: 'ok' });
    } catch (err) {
      opts.logger?.warn({ err }, 'readiness check failed');
      return c.json({ status: 'database unavailable' }, 503);
    }
  });
  let doc: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => {
    c.set('route', '/openapi.json');
    return c.json((doc ??= opts.openapi()));
  });
  return { name: 'health', prefix: '/', app, openapi: OPENAPI };
}
