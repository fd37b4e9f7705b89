/**
 * One cache in front of any evidence provider: positive answers are kept for a TTL (bounded
 * number of entries, least recently used out first); concurrent lookups of the same key share one
 * request (single flight), so a burst of reviews of one digest costs one registry round trip.
 * Failures are shared by the requests in flight but never cached: the next review asks again.
 */
import type { Evidence, EvidenceProvider, ImageAtDigest, ImageName } from './evidence.js';

export interface CachedEvidenceOptions {
  /** How long a positive answer is kept (default 5 minutes). */
  ttlMs?: number;
  /** Digest resolution of tags is kept for this long (default 30 s: tags move). */
  digestTtlMs?: number;
  /** Entries per kind of lookup (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry<T> {
  promise: Promise<Evidence<T>>;
  /** Set once the answer is positive. */
  expires?: number;
}

export interface CachedEvidenceProvider extends EvidenceProvider {
  /** Drops everything known about a digest (e.g. a new occurrence arrived for it). */
  invalidate(digest: string): void;
  stats(): { hits: number; misses: number; entries: number };
}

class Lru<T> {
  private readonly map = new Map<string, Entry<T>>();
  constructor(private readonly max: number) {}
  get(key: string): Entry<T> | undefined {
    const e = this.map.get(key);
    if (e) {
      this.map.delete(key);
      this.map.set(key, e);
    }
    return e;
  }
  set(key: string, e: Entry<T>): void {
    this.map.delete(key);
    this.map.set(key, e);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  deleteWhere(pred: (key: string) => boolean): void {
    for (const k of [...this.map.keys()]) if (pred(k)) this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
}

const nameKey = (i: ImageName) => `${i.registry}/${i.repository}:${i.tag ?? 'latest'}@${i.digest ?? ''}`;
const digestKey = (i: ImageAtDigest) => `${i.registry}/${i.repository}@${i.digest}`;

export function cachedEvidence(inner: EvidenceProvider, opts: CachedEvidenceOptions = {}): CachedEvidenceProvider {
  const ttl = opts.ttlMs ?? 300_000;
  const digestTtl = opts.digestTtlMs ?? 30_000;
  const max = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  let hits = 0;
  let misses = 0;
  const digests = new Lru<string>(max);
  const artifacts = new Lru<Awaited<ReturnType<EvidenceProvider['artifacts']>> extends Evidence<infer T> ? T : never>(max);
  const vulns = new Lru<Awaited<ReturnType<EvidenceProvider['vulnerabilities']>> extends Evidence<infer T> ? T : never>(max);

  function through<T>(cache: Lru<T>, key: string, lifetime: number, load: () => Promise<Evidence<T>>): Promise<Evidence<T>> {
    const e = cache.get(key);
    if (e && (e.expires === undefined || e.expires > now())) {
      hits++;
      return e.promise;
    }
    misses++;
    const entry: Entry<T> = {
      promise: load().then(
        (r) => {
          if (r.ok) entry.expires = now() + lifetime;
          else if (cache.get(key) === entry) cache.delete(key);
          return r;
        },
        (err: unknown) => {
          if (cache.get(key) === entry) cache.delete(key);
          return { ok: false as const, code: 'INTERNAL', message: `evidence lookup failed: ${(err as Error)?.message ?? String(err)}` };
        },
      ),
    };
    cache.set(key, entry);
    return entry.promise;
  }

  return {
    // A pinned digest needs no lookup and no cache entry.
    resolveDigest: (image) => (image.digest ? inner.resolveDigest(image) : through(digests, nameKey(image), digestTtl, () => inner.resolveDigest(image))),
    artifacts: (image) => through(artifacts, digestKey(image), ttl, () => inner.artifacts(image)),
    vulnerabilities: (image) => through(vulns, digestKey(image), ttl, () => inner.vulnerabilities(image)),
    invalidate(digest) {
      const ends = (k: string) => k.endsWith(`@${digest}`);
      artifacts.deleteWhere(ends);
      vulns.deleteWhere(ends);
    },
    stats: () => ({ hits, misses, entries: digests.size + artifacts.size + vulns.size }),
  };
}
