/**
 * The webhook's Prometheus metrics: reviews by endpoint and result, decisions by result and
 * policy, review latency, evidence cache hits and misses (and their ratio), records that could
 * not be written, refused requests by code.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CacheStats {
  stats(): { hits: number; misses: number; entries: number };
}

export interface AdmissionMetrics {
  registry: Registry;
  review(labels: { endpoint: string; result: string; policies: readonly string[] }, seconds: number): void;
  badRequest(code: string): void;
  recordFailed(kind: string): void;
}

export function createAdmissionMetrics(opts: { cache?: CacheStats; defaultMetrics?: boolean } = {}): AdmissionMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'portcullis_admission_' });
  const reviews = new Counter({ name: 'portcullis_admission_reviews_total', help: 'Admission reviews by endpoint and result', labelNames: ['endpoint', 'result'] as const, registers: [registry] });
  const decisions = new Counter({ name: 'portcullis_admission_decisions_total', help: 'Admission decisions by result and by each policy that applied ("none": no policy)', labelNames: ['result', 'policy'] as const, registers: [registry] });
  const latency = new Histogram({ name: 'portcullis_admission_review_duration_seconds', help: 'Time to answer an admission review', labelNames: ['endpoint'] as const, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  const bad = new Counter({ name: 'portcullis_admission_bad_requests_total', help: 'Requests refused with a 4xx, by error code', labelNames: ['code'] as const, registers: [registry] });
  const failed = new Counter({ name: 'portcullis_admission_record_failures_total', help: 'Decision records (occurrences, audit entries) that could not be written', labelNames: ['kind'] as const, registers: [registry] });
  const cache = opts.cache;
  if (cache) {
    new Gauge({ name: 'portcullis_admission_cache_hits', help: 'Evidence cache hits since start', registers: [registry], collect() { this.set(cache.stats().hits); } });
    new Gauge({ name: 'portcullis_admission_cache_misses', help: 'Evidence cache misses since start', registers: [registry], collect() { this.set(cache.stats().misses); } });
    new Gauge({ name: 'portcullis_admission_cache_entries', help: 'Evidence cache entries', registers: [registry], collect() { this.set(cache.stats().entries); } });
    new Gauge({
      name: 'portcullis_admission_cache_hit_ratio',
      help: 'Evidence cache hits / lookups since start',
      registers: [registry],
      collect() {
        const s = cache.stats();
        this.set(s.hits + s.misses === 0 ? 0 : s.hits / (s.hits + s.misses));
      },
    });
  }
  return {
    registry,
    review(l, seconds) {
      reviews.inc({ endpoint: l.endpoint, result: l.result });
      for (const policy of l.policies.length ? l.policies : ['none']) decisions.inc({ result: l.result, policy });
      latency.observe({ endpoint: l.endpoint }, seconds);
    },
    badRequest: (code) => bad.inc({ code }),
    recordFailed: (kind) => failed.inc({ kind }),
  };
}
