/**
 * Invalidation of the evidence cache when new evidence arrives: the webhook polls the metadata
 * server (`occurrences.list` filtered on `updateTime` past the newest one seen, VULNERABILITY and
 * DISCOVERY kinds, every page) and drops what it knows of each digest named by a new or updated
 * occurrence's resource URI. Polling, not a notification endpoint: the webhook keeps no extra
 * inbound surface to authenticate, works with any Grafeas server, and a missed poll only delays —
 * the TTL still bounds how stale a cached result can be.
 */
import type { Logger } from 'pino';
import { createHttpClient } from '../http/index.js';
import type { MetadataEvidenceOptions } from './evidence/index.js';

export interface InvalidationOptions {
  metadata: MetadataEvidenceOptions;
  invalidate(digest: string): void;
  /** Milliseconds between polls (default 10 s). */
  intervalMs?: number;
  logger?: Logger;
  /** The first poll looks this far back (default 60 s: clocks differ). */
  lookBackMs?: number;
  now?: () => Date;
}

export interface InvalidationPoller {
  /** One poll now; resolves to the digests invalidated. */
  poll(): Promise<string[]>;
  start(): void;
  stop(): Promise<void>;
}

const DIGEST = /@(sha256:[0-9a-f]{64})$/;
const MAX_PAGES = 20;

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export function createInvalidationPoller(opts: InvalidationOptions): InvalidationPoller {
  const m = opts.metadata;
  const timeout = m.timeoutMs ?? 10_000;
  const http = createHttpClient({ tls: m.tls ?? {}, timeouts: { headersMs: timeout, bodyMs: timeout }, peer: 'the metadata server' });
  const now = opts.now ?? (() => new Date());
  let watermark = new Date(now().getTime() - (opts.lookBackMs ?? 60_000)).toISOString();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<string[]> | undefined;

  async function once(): Promise<string[]> {
    const base = new URL(m.url);
    const digests = new Set<string>();
    let newest = watermark;
    let pageToken = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const u = new URL(`${base.pathname.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(m.project)}/occurrences`, base);
      u.searchParams.set('filter', `updateTime > ${JSON.stringify(watermark)} AND (kind = "VULNERABILITY" OR kind = "DISCOVERY")`);
      u.searchParams.set('pageSize', '1000');
      if (pageToken) u.searchParams.set('pageToken', pageToken);
      const res = await http.request(u, { method: 'GET', headers: { accept: 'application/json', ...(m.token ? { authorization: `Bearer ${m.token}` } : {}) } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`the metadata server answered ${res.status}: ${text.slice(0, 200)}`);
      const doc: unknown = JSON.parse(text);
      if (!isRecord(doc)) break;
      for (const o of Array.isArray(doc.occurrences) ? doc.occurrences.filter(isRecord) : []) {
        const d = DIGEST.exec(String(o.resourceUri ?? ''))?.[1];
        if (d) digests.add(d);
        const t = String(o.updateTime ?? o.createTime ?? '');
        if (t > newest) newest = t;
      }
      pageToken = typeof doc.nextPageToken === 'string' ? doc.nextPageToken : '';
      if (!pageToken) break;
    }
    watermark = newest;
    for (const d of digests) opts.invalidate(d);
    if (digests.size) opts.logger?.info({ digests: [...digests] }, 'new evidence: cached results dropped');
    return [...digests];
  }

  return {
    poll() {
      inFlight ??= once().finally(() => (inFlight = undefined));
      return inFlight;
    },
    start() {
      const tick = () => {
        this.poll().then(
          () => undefined,
          (err: unknown) => opts.logger?.warn({ err }, 'polling the metadata server for new occurrences failed'),
        ).finally(() => {
          if (timer) timer = setTimeout(tick, opts.intervalMs ?? 10_000).unref();
        });
      };
      timer = setTimeout(tick, opts.intervalMs ?? 10_000).unref();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight?.catch(() => undefined);
      await http.close();
    },
  };
}
