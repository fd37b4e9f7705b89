/**
 * The push client retries under the policy of src/http — 429/503 with Retry-After, bounded —
 * against a scripted HTTP server (exact waits, attempt counts, what onRetry is told) and against
 * the real metadata server app with a tight per-token rate limit (a burst of pushes all land).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { createApp } from '../server/app.js';
import { createToken } from '../server/tokens.js';
import { openStore } from '../store/store.js';
import { pushScan, type ScanRecord } from './push.js';
import type { RetryEvent } from '../http/index.js';
import { Secret } from '../core/secret.js';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function scripted(answers: { status: number; retryAfter?: string }[]): Promise<{ url: string; hits: number[] }> {
  const hits: number[] = [];
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(Date.now());
      const a = answers[Math.min(hits.length - 1, answers.length - 1)]!;
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.retryAfter !== undefined ? { 'retry-after': a.retryAfter } : {}) });
      res.end(a.status === 200 ? JSON.stringify({ resourceUri: 'u', notesProject: 'n', deletedCount: 0, createdCount: 0, notesCreatedCount: 0 }) : JSON.stringify({ error: { code: a.status, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } }));
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

const record: ScanRecord = { resourceUri: 'https://registry.example/app@sha256:' + 'b'.repeat(64), notesProject: 'p', kinds: ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'], notes: {}, occurrences: [] };

describe('retries of the push', () => {
  it('waits as long as the server asks, then succeeds', async () => {
    const s = await scripted([{ status: 429, retryAfter: '1' }, { status: 503, retryAfter: '1' }, { status: 200 }]);
    const told: RetryEvent[] = [];
    const r = await pushScan(record, { url: s.url, project: 'p', retry: { onRetry: (e) => told.push(e) } });
    expect(r.createdCount).toBe(0);
    expect(told.map((e) => [e.attempt, e.status, e.waitMs])).toEqual([
      [1, 429, 1000],
      [2, 503, 1000],
    ]);
    expect(s.hits).toHaveLength(3);
    expect(s.hits[1]! - s.hits[0]!).toBeGreaterThanOrEqual(950);
    expect(s.hits[2]! - s.hits[1]!).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the attempts with RATE_LIMITED, naming the wait asked for', async () => {
    const s = await scripted([{ status: 429, retryAfter: '0' }]);
    await expect(pushScan(record, { url: s.url, project: 'p', retry: { maxAttempts: 3 } })).rejects.toMatchObject({ code: 'RATE_LIMITED', hint: expect.stringContaining('retry after 0 s') });
    expect(s.hits).toHaveLength(3);
  });

  it('does not wait longer than the bound: a server asking for an hour fails at once', async () => {
    const s = await scripted([{ status: 429, retryAfter: '3600' }]);
    const t0 = Date.now();
    await expect(pushScan(record, { url: s.url, project: 'p' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.hits).toHaveLength(1);
  });

  it('other errors are not retried', async () => {
    const s = await scripted([{ status: 500 }]);
    await expect(pushScan(record, { url: s.url, project: 'p' })).rejects.toMatchObject({ code: 'PUSH_FAILED' });
    expect(s.hits).toHaveLength(1);
  });

  it('a burst of pushes against the real server with a tight rate limit all land', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-push-retry-'));
    const store = await openStore({ dataDir: join(dir, 'db') });
    try {
      const { token } = await createToken(store.db, { projects: ['p'], role: 'writer', now: new Date() });
      const { app } = createApp({ db: store.db, audit: (db, e) => appendAudit(db, e), rateLimit: { perSecond: 2, burst: 2 } });
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server;
      servers.push(s);
      await new Promise((r) => (s.listening ? r(undefined) : s.once('listening', r)));
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      const pushes = Array.from({ length: 5 }, (_, i) => pushScan({ ...record, resourceUri: `${record.resourceUri.slice(0, -1)}${i}` }, { url, project: 'p', token: new Secret(token) }));
      const results = await Promise.all(pushes);
      expect(results.map((r) => r.createdCount)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
