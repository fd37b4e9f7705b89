/**
 * The outbound HTTP client every network caller uses, on undici: connect, headers and body
 * timeouts; TLS trust (CA bundle, insecure, pinned fingerprint); a proxy from HTTPS_PROXY /
 * HTTP_PROXY / NO_PROXY; redirects when asked; the one retry policy of retry.ts; responses whose
 * bodies are read with a cap.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, EnvHttpProxyAgent, interceptors, type Dispatcher } from 'undici';
import { HttpNetworkError, networkError } from './errors.js';
import { readCapped } from './read.js';
import { isIdempotent, isUnprocessedStatus, retryAfterMs, RetrySchedule, type RetryPolicy } from './retry.js';
import { connectOptions, pinnedConnector, type TlsSettings } from './tls.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Bytes and text are sent again on a retry; a stream is sent once (a request with one is not retried). */
export type HttpBody = Buffer | Uint8Array | string | Readable;

export interface HttpTimeouts {
  /** TCP and TLS connect. Default 15 s. */
  connectMs?: number;
  /** From the request sent to the response headers. Default 60 s. */
  headersMs?: number;
  /** Longest pause between two body chunks. Default 60 s. */
  bodyMs?: number;
}

/** A proxy other than the environment's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lowercase forms). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface HttpClientOptions {
  tls?: TlsSettings;
  timeouts?: HttpTimeouts;
  /** Redirects followed. Default 0 (a 3xx is answered as is). */
  maxRedirections?: number;
  /** Default: from the environment. `false`: always connect directly. A pinned fingerprint always connects directly. */
  proxy?: ProxySettings | false;
  /** The retry policy of this client's requests (a request may override fields, or pass `false`). */
  retry?: RetryPolicy | false;
  /** Default `portcullis`. */
  userAgent?: string;
  /** Names the server in error messages, e.g. "registry ghcr.io". Default: the URL's origin. */
  peer?: string;
}

export interface HttpRequestOptions {
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: HttpBody;
  /** Overrides the client's headers and body timeouts for this request. */
  timeouts?: Pick<HttpTimeouts, 'headersMs' | 'bodyMs'>;
  /** Fields override the client's policy; `false`: one attempt. */
  retry?: RetryPolicy | false;
  signal?: AbortSignal;
  peer?: string;
}

/** Bodies read with `text()`/`bytes()` without a cap of their own stop here. */
export const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

const DEFAULT_TIMEOUTS: Required<HttpTimeouts> = { connectMs: 15_000, headersMs: 60_000, bodyMs: 60_000 };

/** A response; read its body once, with a cap (`bytes`, `text`), as a stream (`body`), or `dump` it. */
export class HttpResponse {
  constructor(
    private readonly res: Dispatcher.ResponseData,
    /** Attempts made, the first included. */
    readonly attempts: number,
    /** Set when the answer has a retried status and the policy is spent or would not wait as long as asked (what it asked for). */
    readonly gaveUp: { status: number; retryAfterMs: number | undefined } | undefined,
    private readonly peer: string,
  ) {}

  get status(): number {
    return this.res.statusCode;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers as IncomingHttpHeaders;
  }

  get body(): Dispatcher.ResponseData['body'] {
    return this.res.body;
  }

  /** The first value of a header (names are lowercase). */
  header(name: string): string | undefined {
    const v = this.res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  bytes(max = DEFAULT_MAX_BODY, what?: string): Promise<Buffer> {
    return readCapped(this.res.body, { max, peer: this.peer, ...(what ? { what } : {}) });
  }

  async text(max = DEFAULT_MAX_BODY, what?: string): Promise<string> {
    return (await this.bytes(max, what)).toString('utf8');
  }

  /** Discards the body (so the connection can be reused); never throws. */
  async dump(): Promise<void> {
    await this.res.body.dump().catch(() => undefined);
  }
}

function hasProxyEnv(): boolean {
  const e = process.env;
  return !!(e.https_proxy ?? e.HTTPS_PROXY ?? e.http_proxy ?? e.HTTP_PROXY);
}

function buildDispatcher(o: HttpClientOptions): Dispatcher {
  const t = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
  const tls = o.tls ?? {};
  const base = { headersTimeout: t.headersMs, bodyTimeout: t.bodyMs };
  let d: Dispatcher;
  if (tls.fingerprint) {
    d = new Agent({ ...base, connect: pinnedConnector(tls.fingerprint, t.connectMs) });
  } else if (o.proxy !== false && (o.proxy || hasProxyEnv())) {
    const connect = connectOptions(tls, t.connectMs);
    d = new EnvHttpProxyAgent({ ...base, ...(o.proxy || {}), connect, requestTls: connect });
  } else {
    d = new Agent({ ...base, connect: connectOptions(tls, t.connectMs) });
  }
  return o.maxRedirections ? d.compose(interceptors.redirect({ maxRedirections: o.maxRedirections })) : d;
}

function isStream(body: HttpBody | undefined): boolean {
  return body instanceof Readable || (typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function');
}

function mergePolicy(client: RetryPolicy | false | undefined, request: RetryPolicy | false | undefined): RetryPolicy | false {
  if (request === false) return false;
  if (client === false) return request ?? false;
  return { ...client, ...request };
}

export class HttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly opts: HttpClientOptions = {}) {
    this.dispatcher = buildDispatcher(opts);
  }

  /**
   * Sends a request, again under the retry policy after failures to connect, 429 and 503 (any
   * method; `Retry-After` honoured) and, for idempotent methods or with `retryNonIdempotent`,
   * after resets, 502 and 504. The last answer is returned with its body
   * unread whatever its status; network failures throw coded errors (errors.ts).
   */
  async request(url: string | URL, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    const u = typeof url === 'string' ? new URL(url) : url;
    const method = opts.method ?? 'GET';
    const peer = opts.peer ?? this.opts.peer ?? u.origin;
    const stream = isStream(opts.body);
    const schedule = new RetrySchedule(stream ? false : mergePolicy(this.opts.retry, opts.retry), opts.signal);
    const repeatable = !stream && (isIdempotent(method) || schedule.retryNonIdempotent);
    const headers = { 'user-agent': this.opts.userAgent ?? 'portcullis', ...opts.headers };
    for (;;) {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.dispatcher.request({
          origin: u.origin,
          path: u.pathname + u.search,
          method,
          headers,
          ...(opts.body !== undefined ? { body: opts.body as Dispatcher.DispatchOptions['body'] } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.timeouts?.headersMs !== undefined ? { headersTimeout: opts.timeouts.headersMs } : {}),
          ...(opts.timeouts?.bodyMs !== undefined ? { bodyTimeout: opts.timeouts.bodyMs } : {}),
        });
      } catch (err) {
        const e = networkError(err, peer, opts.signal);
        const again = e instanceof HttpNetworkError && (e.retryable === 'connect' || (e.retryable === 'request' && repeatable));
        const wait = again ? schedule.nextWait() : undefined;
        if (wait === undefined) throw e;
        await schedule.wait(wait, { reason: e instanceof HttpNetworkError ? e.reason : e.code });
        continue;
      }
      if (!stream && (repeatable || isUnprocessedStatus(res.statusCode)) && schedule.isRetryStatus(res.statusCode)) {
        const asked = retryAfterMs(res.headers['retry-after'], schedule.now());
        const wait = schedule.nextWait(asked);
        if (wait === undefined) return new HttpResponse(res, schedule.attempt, { status: res.statusCode, retryAfterMs: asked }, peer);
        await res.body.dump().catch(() => undefined);
        await schedule.wait(wait, { reason: String(res.statusCode), status: res.statusCode });
        continue;
      }
      return new HttpResponse(res, schedule.attempt, undefined, peer);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  return new HttpClient(opts);
}
