/**
 * The server as a composition: a route group built from the middleware factories and passed in
 * `routeGroups` is mounted under its prefix, authenticates, authorises and has its refusals
 * audited like the built-in groups, and its OpenAPI part joins /openapi.json (which lists the
 * admin routes when they are mounted).
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, readAudit, type AuditRecord } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import type { Store } from '../store/store.js';
import { createApp, type ServerApp } from './app.js';
import type { Env, RouteGroup } from './context.js';
import { authenticate, authorize } from './middleware/authn.js';
import { createToken } from './tokens.js';

const [pglite] = testBackends('groups');
let store: Store;
let s: ServerApp;
const tok: Record<string, string> = {};

function echoGroup(db: Store['db']): RouteGroup {
  const app = new Hono<Env>();
  app.post(
    '/reviews',
    async (c, next) => {
      c.set('route', '/echo/v1/reviews');
      c.set('action', 'echo.review');
      return next();
    },
    authenticate({ db, now: () => new Date() }),
    authorize((p) => (p.role === 'admin' ? { allowed: true } : { allowed: false, message: 'Needs admin', detail: { role: p.role } })),
    (c) => c.json({ reviewedBy: c.get('actor') }),
  );
  return {
    name: 'echo',
    prefix: '/echo/v1',
    app,
    openapi: { paths: { '/echo/v1/reviews': { post: { operationId: 'EchoReview', responses: { 200: { description: 'OK' } } } } } },
  };
}

beforeAll(async () => {
  store = (await pglite!.open())!;
  s = createApp({
    db: store.db,
    audit: (db, e) => appendAudit(db, e),
    rateLimit: false,
    admin: { tokenHash: createHash('sha256').update('pca_x').digest('hex') },
    routeGroups: [echoGroup(store.db)],
  });
  tok.admin = (await createToken(store.db, { projects: ['*'], role: 'admin' })).token;
  tok.viewer = (await createToken(store.db, { projects: ['*'], role: 'viewer' })).token;
});

afterAll(async () => {
  await store?.close();
  pglite!.cleanup();
});

async function denials(): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of readAudit(store.db)) if (r.outcome === 'denied') out.push(r);
  return out;
}

describe('route groups', () => {
  it.each([
    ['no token', undefined, 401, { actor: 'anonymous', detail: { status: 401, reason: 'missing' } }],
    ['viewer', 'viewer', 403, { actor: expect.stringMatching(/^token:/), detail: { status: 403, role: 'viewer' } }],
    ['admin', 'admin', 200, undefined],
  ] as const)('a mounted group authenticates and authorises: %s → %i, refusals audited', async (_label, who, status, audited) => {
    const before = (await denials()).length;
    const r = await s.app.request('/echo/v1/reviews', { method: 'POST', headers: who ? { authorization: `Bearer ${tok[who]}` } : {} });
    expect(r.status).toBe(status);
    const added = (await denials()).slice(before);
    if (!audited) {
      expect(added).toEqual([]);
      expect(await r.json()).toEqual({ reviewedBy: expect.stringMatching(/^token:/) });
    } else expect(added).toEqual([expect.objectContaining({ action: 'echo.review', resource: '/echo/v1/reviews', ...audited })]);
  });

  it('joins /openapi.json with every group: grafeas, health, metrics, admin and the extra one', async () => {
    const doc = (await (await s.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string }>>; components: { securitySchemes: Record<string, unknown> } };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(expect.arrayContaining(['ListNotes', 'CreateOccurrenceInLocation', 'Healthz', 'Readyz', 'OpenApi', 'Metrics', 'AdminListTokens', 'AdminCreateToken', 'AdminRevokeToken', 'AdminVerifyAudit', 'AdminExportAudit', 'EchoReview']));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'localAdmin']);
    // Every path the admin group serves is documented.
    for (const path of ['/admin/v1/tokens', '/admin/v1/tokens/{id}/revoke', '/admin/v1/audit/verify', '/admin/v1/audit/export']) expect(doc.paths[path]).toBeDefined();
  });

  it('paths outside every group are 404 with a Google error body', async () => {
    const r = await s.app.request('/echo/v1/nothing');
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });
});
