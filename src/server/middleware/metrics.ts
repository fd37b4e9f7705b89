/**
 * The outermost middleware: one metrics sample and one log line per request, labelled with the
 * route template a group set (`unmatched` otherwise) and the actor authentication named.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { remoteOf, type Env } from '../context.js';
import type { Metrics } from '../metrics.js';

export function observeRequests(opts: { metrics?: Metrics; logger?: Logger }): MiddlewareHandler<Env> {
  const { metrics, logger } = opts;
  return async (c, next) => {
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
  };
}
