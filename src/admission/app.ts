/**
 * The webhook's HTTP application (Hono, on Web Request/Response: tests call `app.request()`):
 *
 *   POST /validate  AdmissionReview v1 → the verdict (never a patch)
 *   POST /mutate    AdmissionReview v1 → the verdict and the JSONPatch pinning digests
 *   GET  /healthz   the process is up
 *   GET  /readyz    policies loaded and not shutting down (503 while draining)
 *   GET  /metrics   Prometheus text
 *
 * A body that is not an AdmissionReview v1 (malformed, huge, wrong apiVersion or kind, no uid)
 * is a 400 (413 when too large) with `{"error": {"code": …, "reason": "ADMISSION_REVIEW_INVALID",
 * "message": …}}` — the API server treats it as a webhook failure and applies `failurePolicy`.
 */
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { isPortcullisError } from '../core/index.js';
import type { AdmissionMetrics } from './metrics.js';
import { reviewOf, type Endpoint } from './response.js';
import { DEFAULT_MAX_REVIEW_BYTES, parseAdmissionReview } from './review.js';
import type { Reviewer } from './reviewer.js';

export interface WebhookAppOptions {
  reviewer: Reviewer;
  metrics?: AdmissionMetrics;
  logger?: Logger;
  maxBodyBytes?: number;
}

export interface WebhookApp {
  app: Hono;
  state: { draining: boolean; ready: boolean };
}

function refuse(c: Context, http: number, code: string, message: string, hint?: string) {
  return c.json({ error: { code: http, reason: code, message, ...(hint ? { hint } : {}) } }, http as 400);
}

/**
 * Reads the body up to the limit. Past it, the rest is read and dropped up to twice the limit, so
 * the client (which is still sending) gets the 413 instead of a reset; beyond that the connection
 * is closed.
 */
async function readBody(c: Context, max: number): Promise<Uint8Array | 'too-large'> {
  const body = c.req.raw.body;
  if (!body) return new Uint8Array();
  const declared = Number(c.req.header('content-length') ?? NaN);
  // The common case (the API server declares the length): one read of the whole body.
  if (declared <= max) {
    const whole = new Uint8Array(await c.req.arrayBuffer());
    return whole.byteLength > max ? 'too-large' : whole;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  let over = declared > max;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) over = true;
      if (over) {
        if (total > 2 * max || declared > 2 * max) {
          await reader.cancel();
          break;
        }
        continue;
      }
      chunks.push(value);
    }
  } catch {
    over = true;
  }
  return over ? 'too-large' : Buffer.concat(chunks);
}

export function createWebhookApp(opts: WebhookAppOptions): WebhookApp {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_REVIEW_BYTES;
  const state = { draining: false, ready: true };
  const app = new Hono();

  app.onError((err, c) => {
    opts.logger?.error({ err }, 'request failed');
    return refuse(c, 500, 'INTERNAL', 'Internal error');
  });
  app.notFound((c) => refuse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`, 'POST /validate or /mutate.'));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (state.draining ? c.json({ status: 'draining' }, 503) : state.ready ? c.json({ status: 'ok' }) : c.json({ status: 'not ready' }, 503)));
  app.get('/metrics', async (c) => (opts.metrics ? c.text(await opts.metrics.registry.metrics(), 200, { 'Content-Type': opts.metrics.registry.contentType }) : c.text('', 200)));

  const handle = (endpoint: Endpoint) => async (c: Context) => {
    const type = c.req.header('content-type') ?? '';
    if (type && !/^application\/json\b/i.test(type)) {
      opts.metrics?.badRequest('UNSUPPORTED_MEDIA_TYPE');
      return refuse(c, 415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type}" is not application/json`);
    }
    const body = await readBody(c, max);
    if (body === 'too-large') {
      opts.metrics?.badRequest('REQUEST_TOO_LARGE');
      c.header('Connection', 'close');
      return refuse(c, 413, 'REQUEST_TOO_LARGE', `The AdmissionReview is larger than ${max} bytes`);
    }
    let req;
    try {
      req = parseAdmissionReview(body, max);
    } catch (err) {
      if (!isPortcullisError(err)) throw err;
      opts.metrics?.badRequest(err.code);
      return refuse(c, err.code === 'REQUEST_TOO_LARGE' ? 413 : 400, err.code, err.message, err.hint);
    }
    const out = await opts.reviewer(endpoint, req);
    opts.logger?.info({ endpoint, uid: req.uid, kind: req.kind.kind, namespace: req.namespace, name: req.name, operation: req.operation, dryRun: req.dryRun === true, result: out.result, ...(out.reason ? { reason: out.reason } : {}) }, 'review');
    return c.json(reviewOf(out.response));
  };
  app.post('/validate', handle('validate'));
  app.post('/mutate', handle('mutate'));
  return { app, state };
}
