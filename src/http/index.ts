/**
 * The one outbound HTTP helper (see ARCHITECTURE.md): every request to a registry, an advisory
 * feed or a metadata server goes through `HttpClient` — timeouts, TLS trust, proxy from the
 * environment, one retry/backoff policy — and reads bodies with a cap.
 */
export { createHttpClient, DEFAULT_MAX_BODY, HttpClient, HttpResponse } from './client.js';
export type { HttpBody, HttpClientOptions, HttpMethod, HttpRequestOptions, HttpTimeouts, ProxySettings } from './client.js';
export { classifyNetworkError, errorCodeOf, HttpNetworkError, networkError } from './errors.js';
export type { NetworkRetry } from './errors.js';
export { readCapped } from './read.js';
export type { CapOptions } from './read.js';
export { abortableSleep, DEFAULT_RETRY_STATUSES, isIdempotent, isUnprocessedStatus, retryAfterMs, RetryableStatus, RetrySchedule, withRetry } from './retry.js';
export type { RetryEvent, RetryPolicy, WithRetryOptions } from './retry.js';
export { parseFingerprint, tryParseFingerprint } from './tls.js';
export type { TlsSettings } from './tls.js';
