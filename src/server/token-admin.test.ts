/**
 * The token administration use case called directly (what `server token create|revoke` and the
 * admin routes both call), on PGlite and PostgreSQL: the token and its audit entry are written
 * together, or neither is.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, readAudit, type AuditRecord } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import type { AuditFn } from './app.js';
import { createTokenAudited, revokeTokenAudited } from './token-admin.js';
import { listTokens, verifyToken } from './tokens.js';

const backends = testBackends('tokenadmin');
afterAll(() => {
  for (const b of backends) b.cleanup();
});

const audit: AuditFn = (db, e) => appendAudit(db, e);
const failingAudit: AuditFn = async () => {
  throw new Error('audit log unavailable');
};
const NOW = new Date('2026-03-01T00:00:00Z');

async function entries(db: Parameters<typeof readAudit>[0]): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of readAudit(db)) out.push(r);
  return out;
}

describe.each(backends.map((b) => [b.name, b] as const))('token administration on %s', (_name, backend) => {
  it('creates a token that verifies, with one audit entry naming it; revokes it with another', async (ctx) => {
    const store = await backend.open();
    if (!store) return ctx.skip();
    try {
      const expiresAt = new Date('2026-04-01T00:00:00Z');
      const made = await createTokenAudited(store.db, audit, { projects: ['b', 'a'], role: 'writer', expiresAt, description: 'ci' }, { actor: 'cli', remote: '127.0.0.1' }, NOW);
      expect(made.info).toEqual({ id: made.info.id, role: 'writer', projects: ['a', 'b'], description: 'ci', createdAt: NOW.toISOString(), expiresAt: expiresAt.toISOString(), revokedAt: null });
      expect(await verifyToken(store.db, made.token, NOW)).toMatchObject({ ok: true, principal: { id: made.info.id, role: 'writer' } });
      await revokeTokenAudited(store.db, audit, made.info.id, { actor: 'cli' }, NOW);
      expect(await verifyToken(store.db, made.token, NOW)).toEqual({ ok: false, reason: 'revoked' });
      const log = await entries(store.db);
      expect(log.map((e) => [e.actor, e.action, e.resource, e.outcome, e.remote])).toEqual([
        ['cli', 'token.create', `tokens/${made.info.id}`, 'ok', '127.0.0.1'],
        ['cli', 'token.revoke', `tokens/${made.info.id}`, 'ok', undefined],
      ]);
      expect(log[0]!.detail).toEqual({ role: 'writer', projects: ['a', 'b'], expiresAt: expiresAt.toISOString() });
      expect(JSON.stringify(log)).not.toContain(made.token);
    } finally {
      await store.close();
    }
  });

  it.for([
    { name: 'the audit entry cannot be written: no token either', input: { projects: ['p'], role: 'viewer' }, fn: failingAudit },
    { name: 'an unknown role: USAGE, nothing written', input: { projects: ['p'], role: 'root' }, fn: audit, code: 'USAGE' as string | undefined },
    { name: 'no project: USAGE, nothing written', input: { projects: [' , '], role: 'viewer' }, fn: audit, code: 'USAGE' },
  ])('$name', async ({ input, fn, code }, ctx) => {
    const store = await backend.open();
    if (!store) return ctx.skip();
    try {
      const made = createTokenAudited(store.db, fn, input, { actor: 'cli' }, NOW);
      if (code) await expect(made).rejects.toMatchObject({ code });
      else await expect(made).rejects.toThrow();
      expect(await listTokens(store.db)).toEqual([]);
      expect(await entries(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('revoking an unknown token: USAGE, no audit entry', async (ctx) => {
    const store = await backend.open();
    if (!store) return ctx.skip();
    try {
      await expect(revokeTokenAudited(store.db, audit, '0123456789ab', { actor: 'cli' }, NOW)).rejects.toMatchObject({ code: 'USAGE' });
      expect(await entries(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
