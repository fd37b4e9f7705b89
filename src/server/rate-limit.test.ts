/** The per-token token bucket and its default: a CI burst passes, a runaway client gets 429 + Retry-After. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { createApp } from './app.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.js';

describe('rate limit', () => {
  it('the default lets a burst of 2000 through, then refills at 1000/s', () => {
    let t = 0;
    const l = new RateLimiter({ ...DEFAULT_RATE_LIMIT, now: () => t });
    const first = Array.from({ length: 2000 }, () => l.take('ci').ok);
    expect(first.every(Boolean)).toBe(true);
    expect(l.take('ci')).toEqual({ ok: false, retryAfter: 1 });
    expect(l.take('other').ok).toBe(true);
    t += 500;
    expect(Array.from({ length: 500 }, () => l.take('ci').ok).every(Boolean)).toBe(true);
    expect(l.take('ci').ok).toBe(false);
  });

  it.each([
    [{ perSecond: 1, burst: 1 }, 1],
    [{ perSecond: 0.25, burst: 1 }, 4],
  ])('Retry-After is the whole seconds until the next request (%j → %i)', (o, want) => {
    const l = new RateLimiter({ ...o, now: () => 0 });
    l.take('k');
    expect(l.take('k').retryAfter).toBe(want);
  });

  it('the app answers 429 with Retry-After once the bucket is empty', async () => {
    const { app } = createApp({ db: undefined as never, audit: (db, e) => appendAudit(db, e), rateLimit: { perSecond: 1, burst: 2 }, anonymous: { id: 'anonymous', role: 'viewer', projects: '*' } });
    // The routes after the limiter are not reached for the refused request; the first two fail later (no database) but are not 429.
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await app.request('/v1/projects/p/notes');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2).every((s) => s !== 429)).toBe(true);
    expect(statuses[2]).toBe(429);
    expect(last!.headers.get('retry-after')).toBe('1');
  });

  it('the server command defaults to the same limit', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'dist', 'cli.js'), 'server', '--help'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/--rate-limit <n>[^\n]*\n?[^\n]*\(default: "1000"\)/);
    expect(r.stdout).toMatch(/--rate-burst <n>[^\n]*\n?[^\n]*\(default: "2000"\)/);
  });
});
