/**
 * The local admin endpoints through the Hono app (no port), on PGlite and PostgreSQL: only the
 * admin credential opens them (no bearer token does, not even an admin one), token create/revoke
 * take effect on /v1 at once and are audited as `cli`, verify and export read the chain, bad
 * input is a 400 with a stable code.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import { createApp } from './app.js';
import { createToken } from './tokens.js';

const ADMIN = 'pca_test-credential-0123456789';
const backends = testBackends('admin');
afterAll(() => {
  for (const b of backends) b.cleanup();
});

describe.each(backends.map((b) => [b.name, b] as const))('admin routes on %s', (_name, backend) => {
  it('authorises by the local credential only and administers tokens and the audit log', async (ctx) => {
    const store = await backend.open();
    if (!store) return ctx.skip();
    try {
      const { app } = createApp({
        db: store.db,
        audit: (db, e) => appendAudit(db, e),
        rateLimit: false,
        admin: { tokenHash: createHash('sha256').update(ADMIN).digest('hex') },
      });
      const call = async (method: string, path: string, token?: string, body?: unknown) => {
        const res = await app.request(path, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        return {
          status: res.status,
          text,
          json: (() => {
            try {
              return JSON.parse(text);
            } catch {
              return undefined;
            }
          })(),
        };
      };
      const { token: adminRoleToken } = await createToken(store.db, { projects: ['*'], role: 'admin' });
      for (const t of [undefined, adminRoleToken, `${ADMIN}x`])
        expect((await call('GET', '/admin/v1/tokens', t)).status, String(t)).toBe(401);

      const made = await call('POST', '/admin/v1/tokens', ADMIN, {
        projects: ['p1'],
        role: 'writer',
        description: 'ci',
      });
      expect(made.status).toBe(200);
      const token = made.json.token as string;
      expect(made.json.info).toMatchObject({
        role: 'writer',
        projects: ['p1'],
        description: 'ci',
        revokedAt: null,
      });
      expect((await call('GET', '/v1/projects/p1/notes', token)).status).toBe(200);
      expect((await call('GET', '/admin/v1/tokens', ADMIN)).json.tokens).toHaveLength(2);

      const id = made.json.info.id as string;
      expect(await call('POST', `/admin/v1/tokens/${id}/revoke`, ADMIN)).toMatchObject({
        status: 200,
        json: { revoked: id },
      });
      expect((await call('GET', '/v1/projects/p1/notes', token)).status).toBe(401);

      const bad: [string, string, unknown][] = [
        ['POST', '/admin/v1/tokens', '{not json'],
        ['POST', '/admin/v1/tokens', { projects: 'p1', role: 'writer' }],
        ['POST', '/admin/v1/tokens', { projects: ['p1'], role: 'root' }],
        ['POST', '/admin/v1/tokens', { projects: ['p1'], role: 'viewer', expiresAt: 'tomorrow' }],
        ['POST', '/admin/v1/tokens/nope/revoke', undefined],
        ['GET', '/admin/v1/audit/verify?anchor=nonsense', undefined],
        ['GET', '/admin/v1/audit/export?since=-1', undefined],
      ];
      for (const [method, path, body] of bad) {
        const r = await call(method, path, ADMIN, body);
        expect(r.status, `${method} ${path}`).toBe(400);
        expect(r.json.error.details[0].reason).toBe('USAGE');
      }

      const v = await call('GET', '/admin/v1/audit/verify', ADMIN);
      expect(v.status).toBe(200);
      expect(v.json).toEqual(JSON.parse(JSON.stringify(await verifyAudit(store.db))));
      expect(v.json.ok).toBe(true);
      const exported = await call('GET', '/admin/v1/audit/export', ADMIN);
      const lines = exported.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.n)).toEqual(lines.map((_, i) => i + 1));
      expect(lines.filter((l) => l.actor === 'cli').map((l) => [l.action, l.resource])).toEqual([
        ['token.create', `tokens/${id}`],
        ['token.revoke', `tokens/${id}`],
      ]);
      // Failed attempts at the admin endpoints are audited as denied.
      expect(lines.filter((l) => l.resource === '/admin/v1/tokens' && l.outcome === 'denied')).toHaveLength(
        3,
      );
      const since = lines.length - 1;
      expect(
        (await call('GET', `/admin/v1/audit/export?since=${since}`, ADMIN)).text.trim().split('\n'),
      ).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
