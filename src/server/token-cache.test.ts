/**
 * The token verification cache: TTL, capacity, invalidation of tokens and of verifications in
 * flight, bypass while not live; through the app on PGlite and PostgreSQL: a token revoked
 * through the admin API is refused at once, an expired one is refused although cached, and on
 * PostgreSQL a revocation by another process arrives by NOTIFY and a lost LISTEN connection
 * turns the cache off until it is back.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { createPgDatabase, testBackends } from '../metadata/_testing.js';
import { LISTEN_APPLICATION } from '../store/notifications.js';
import { openStore, type Store } from '../store/store.js';
import { createApp } from './app.js';
import { revokeTokenAudited } from './token-admin.js';
import { TokenCache } from './token-cache.js';
import { followRevocations } from './token-revocations.js';
import { createToken, type TokenInfo } from './tokens.js';

const info = (id: string): TokenInfo => ({ id, role: 'viewer', projects: ['p'], description: null, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null, revokedAt: null });

describe('TokenCache', () => {
  type Step = (c: TokenCache, clock: { t: number }) => unknown;
  it.each<[string, Step, boolean]>([
    ['a fresh entry is served', () => undefined, true],
    ['an entry at its TTL is not', (_c, clock) => (clock.t += 1000), false],
    ['an entry just before its TTL is', (_c, clock) => (clock.t += 999), true],
    ['an invalidated token is not', (c) => c.invalidate('a'), false],
    ['invalidating another token keeps it', (c) => c.invalidate('b'), true],
    ['nothing is served while not live', (c) => c.setLive(false), false],
    ['going live again forgets what was cached', (c) => (c.setLive(false), c.setLive(true)), false],
  ])('%s', (_label, step, served) => {
    const clock = { t: 0 };
    const c = new TokenCache({ ttlMs: 1000, now: () => clock.t });
    c.put('h-a', info('a'), c.ticket());
    step(c, clock);
    expect(c.get('h-a')?.id).toBe(served ? 'a' : undefined);
  });

  it.each<[string, Step]>([
    ['an invalidation of any token', (c) => c.invalidate('zzz')],
    ['the cache going down', (c) => c.setLive(false)],
    ['the cache going down and up', (c) => (c.setLive(false), c.setLive(true))],
  ])('drops a verification started before %s', (_label, between) => {
    const c = new TokenCache({ now: () => 0 });
    const ticket = c.ticket();
    between(c, { t: 0 });
    c.put('h-a', info('a'), ticket);
    expect(c.get('h-a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stores nothing while not live, and keeps at most maxEntries (least recently used go)', () => {
    const down = new TokenCache({ live: false });
    down.put('h', info('a'), down.ticket());
    expect(down.size).toBe(0);
    const c = new TokenCache({ maxEntries: 2, now: () => 0 });
    c.put('h1', info('1'), c.ticket());
    c.put('h2', info('2'), c.ticket());
    c.get('h1');
    c.put('h3', info('3'), c.ticket());
    expect([c.get('h1')?.id, c.get('h2')?.id, c.get('h3')?.id]).toEqual(['1', undefined, '3']);
  });
});

const ADMIN = 'pca_cache-test-credential';
const backends = testBackends('tokencache');
afterAll(() => {
  for (const b of backends) b.cleanup();
});

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(backends.map((b) => [b.name, b] as const))('token cache through the app on %s', (_name, backend) => {
  it('serves a cached token, refuses it at once after an admin-API revoke, refuses an expired one although cached', async (ctx) => {
    const store = await backend.open();
    if (!store) return ctx.skip();
    try {
      let now = Date.now();
      const cache = new TokenCache({ ttlMs: 60_000 });
      const { app } = createApp({
        db: store.db,
        audit: (db, e) => appendAudit(db, e),
        rateLimit: false,
        tokenCache: cache,
        now: () => new Date(now),
        admin: { tokenHash: createHash('sha256').update(ADMIN).digest('hex') },
      });
      const get = async (token: string) => {
        const r = await app.request('/v1/projects/p/notes', { headers: { authorization: `Bearer ${token}` } });
        return { status: r.status, reason: r.status === 200 ? 'ok' : ((await r.json()) as { error: { message: string } }).error.message };
      };
      const a = await createToken(store.db, { projects: ['p'], role: 'viewer' });
      const b = await createToken(store.db, { projects: ['p'], role: 'viewer', expiresAt: new Date(now + 5000) });
      expect((await get(a.token)).status).toBe(200);
      expect((await get(b.token)).status).toBe(200);
      expect(cache.size).toBe(2);

      // Cached: a revocation that bypasses revokeToken (no invalidation) is not seen within the TTL.
      const c = await createToken(store.db, { projects: ['p'], role: 'viewer' });
      expect((await get(c.token)).status).toBe(200);
      await sql`update api_tokens set revoked_at = now() where id = ${c.info.id}`.execute(store.db);
      expect((await get(c.token)).status).toBe(200);

      const revoke = await app.request(`/admin/v1/tokens/${a.info.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
      expect(revoke.status).toBe(200);
      expect(await get(a.token)).toEqual({ status: 401, reason: 'The token has been revoked' });

      now += 5000;
      expect(await get(b.token)).toEqual({ status: 401, reason: 'The token has expired' });
    } finally {
      await store.close();
    }
  });

});

describe('token cache on PostgreSQL', () => {
  it('follows revocations by other processes (NOTIFY); a lost LISTEN turns the cache off until it is back', async (ctx) => {
    const pg = createPgDatabase('tokenlisten');
    if (!pg) return ctx.skip();
    const store = await openStore({ databaseUrl: pg.url });
    let other: Store | undefined;
    try {
      const cache = new TokenCache({ ttlMs: 60_000 });
      const listener = followRevocations(store, cache);
      expect(listener).toBeDefined();
      expect(cache.live).toBe(false);
      await until(() => cache.live);
      const { app } = createApp({ db: store.db, audit: (db, e) => appendAudit(db, e), rateLimit: false, tokenCache: cache });
      const get = async (token: string) => (await app.request('/v1/projects/p/notes', { headers: { authorization: `Bearer ${token}` } })).status;
      const a = await createToken(store.db, { projects: ['p'], role: 'viewer' });
      const b = await createToken(store.db, { projects: ['p'], role: 'viewer' });
      expect([await get(a.token), await get(b.token)]).toEqual([200, 200]);
      expect(cache.size).toBe(2);

      // Another process (its own connection pool) revokes a: the NOTIFY of its commit drops it here.
      other = await openStore({ databaseUrl: pg.url });
      await revokeTokenAudited(other.db, (db, e) => appendAudit(db, e), a.info.id, { actor: 'cli' });
      await until(() => cache.size === 1, 2000);
      expect(await get(a.token)).toBe(401);
      expect(await get(b.token)).toBe(200);

      // The LISTEN connection dies: no cached answer until it is back (and then nothing stale).
      await sql`update api_tokens set revoked_at = now() where id = ${b.info.id}`.execute(other.db);
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${LISTEN_APPLICATION} and datname = current_database()`.execute(other.db);
      await until(() => !cache.live);
      expect(await get(b.token)).toBe(401);
      await until(() => cache.live);
      expect(await get(b.token)).toBe(401);
      await listener!.close();
    } finally {
      await other?.close();
      await store.close();
      pg.drop();
    }
  });
});
