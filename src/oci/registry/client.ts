/**
 * A client for the OCI Distribution API v2 (distribution-spec), on the HTTP helper (src/http):
 * anonymous, basic and bearer-token auth, plain HTTP only for loopback registries or with
 * `insecure`, redirects for reads, the one retry policy for reads (writes are retried as whole
 * sequences by push.ts), capped reads, digests verified on every read.
 */
import type { Readable } from 'node:stream';
import { PortcullisError } from '../../core/index.js';
import { createHttpClient, HttpNetworkError, readCapped, type HttpClient, type HttpMethod, type HttpResponse, type RetryPolicy } from '../../http/index.js';
import { digestOf, mismatch, VerifyingStream } from '../digest.js';
import { MANIFEST_ACCEPT } from '../media-types.js';
import { DOCKER_HUB_API_HOST, isLoopbackHost } from '../reference.js';
import type { Credentials } from './credentials.js';

export interface RegistryClientOptions {
  credentials?: Credentials;
  /** Allow plain HTTP and unverified TLS for any registry. */
  insecure?: boolean;
  userAgent?: string;
  /** Per-request header and body timeouts in ms. */
  timeoutMs?: number;
  /** Overrides of the retry policy (e.g. `onRetry` to show progress). */
  retry?: RetryPolicy;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate header (RFC 7235) into scheme + params. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!)) !== null) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

const MAX_MANIFEST = 8 * 1024 * 1024;
/** Token endpoint answers and error bodies: small JSON documents. */
const MAX_SMALL_BODY = 1024 * 1024;

export type { HttpMethod };
/** A request body: bytes (re-sendable after an auth challenge) or a stream (sent once). */
export type RequestBody = Buffer | Readable;

export class RegistryClient {
  private base: string | undefined;
  /** Reads: redirects followed (blobs may live elsewhere), retried under the policy. */
  private readonly reads: HttpClient;
  /** Writes and the TLS probe: no redirects; writes are not retried here (push.ts repeats whole uploads). */
  private readonly writes: HttpClient;
  private readonly tokens = new Map<string, string>();
  private basicAuth = false;
  private readonly host: string;

  constructor(
    readonly registry: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    this.host = registry === 'docker.io' ? DOCKER_HUB_API_HOST : registry;
    const timeout = opts.timeoutMs ?? 60_000;
    const common = {
      tls: { insecure: opts.insecure === true },
      timeouts: { connectMs: 15_000, headersMs: timeout, bodyMs: timeout },
      userAgent: opts.userAgent ?? 'portcullis',
      peer: `registry ${registry}`,
      ...(opts.retry ? { retry: opts.retry } : {}),
    };
    this.reads = createHttpClient({ ...common, maxRedirections: 5 });
    this.writes = createHttpClient(common);
  }

  /** Decides between https and http (http only for loopback or insecure registries). */
  private async baseUrl(): Promise<string> {
    if (this.base) return this.base;
    const https = `https://${this.host}`;
    try {
      // Only connection failures are worth repeating here: any answer means TLS works.
      await (await this.writes.request(`${https}/v2/`, { retry: { statuses: [] } })).dump();
      this.base = https;
    } catch (err) {
      if (!(err instanceof HttpNetworkError)) throw err;
      const plainOk = this.opts.insecure || isLoopbackHost(this.registry);
      const code = err.reason;
      if (plainOk && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND') {
        this.base = `http://${this.host}`;
      } else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT') {
        throw new PortcullisError({ code: err.code === 'NETWORK_TIMEOUT' ? 'NETWORK_TIMEOUT' : 'NETWORK_ERROR', message: `Cannot reach registry ${this.registry} (${code})`, hint: 'Check the registry address and your network; use --offline sources such as oci-archive: when offline.', cause: err });
      } else if (err.code === 'ABORTED') {
        throw err;
      } else {
        throw new PortcullisError({
          code: 'INSECURE_REGISTRY',
          message: `TLS connection to ${this.registry} failed (${code})`,
          hint: 'If this registry really serves plain HTTP or a self-signed certificate, pass --insecure.',
          cause: err,
        });
      }
    }
    return this.base;
  }

  /** The retry policy overrides this client was made with, for push.ts's sequences. */
  get retry(): RetryPolicy | undefined {
    return this.opts.retry;
  }

  private authHeader(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    if (token) return `Bearer ${token}`;
    if (this.basicAuth && this.opts.credentials) {
      const c = this.opts.credentials;
      return `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString('base64')}`;
    }
    return undefined;
  }

  private async fetchToken(ch: Challenge, scope: string): Promise<void> {
    const realm = ch.params.realm;
    if (!realm) throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Registry ${this.registry} sent a bearer challenge without a realm`, hint: 'The registry is misconfigured.' });
    const url = new URL(realm);
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    // Several scopes (push with a cross-repository mount) are space-separated here, one parameter each.
    for (const s of (ch.params.scope ?? scope).split(' ')) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    const c = this.opts.credentials;
    if (c) headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString('base64')}`;
    const res = await this.send(url.origin, url.pathname + url.search, 'GET', headers);
    const text = await res.text(MAX_SMALL_BODY, `Token answer of ${this.registry}`);
    if (res.status === 401 || res.status === 403) {
      throw new PortcullisError({ code: 'AUTH_FAILED', message: `Registry ${this.registry} refused the credentials${c ? ` for user "${c.username}"` : ''} (HTTP ${res.status})`, hint: 'Check the user name and password (--creds USER:PASSWORD, --authfile, or `docker login`).' });
    }
    if (res.status !== 200) throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Token endpoint of ${this.registry} answered HTTP ${res.status}`, hint: 'Try again later.' });
    let doc: { token?: string; access_token?: string };
    try {
      doc = JSON.parse(text);
    } catch {
      throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Token endpoint of ${this.registry} did not answer JSON`, hint: 'The registry is misconfigured.' });
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Token endpoint of ${this.registry} returned no token`, hint: 'The registry is misconfigured.' });
    this.tokens.set(scope, token);
  }

  /** One request: GET and HEAD under the retry policy, writes once (push.ts repeats whole uploads). */
  private send(origin: string, path: string, method: HttpMethod, headers: Record<string, string>, body?: RequestBody): Promise<HttpResponse> {
    const read = method === 'GET' || method === 'HEAD';
    return (read ? this.reads : this.writes).request(new URL(path, origin), {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(read ? {} : { retry: false as const }),
    });
  }

  /**
   * A request with auth negotiation: retries once after answering a 401 challenge. `path` may be an
   * absolute URL on the registry's origin (upload locations). A stream body cannot be sent twice:
   * callers that push streams authenticate first with a small request.
   */
  async request(path: string, opts: { method?: HttpMethod; accept?: string; scope: string; body?: RequestBody; headers?: Record<string, string> }): Promise<HttpResponse> {
    let base = await this.baseUrl();
    if (/^https?:\/\//.test(path)) {
      const u = new URL(path);
      base = u.origin;
      path = u.pathname + u.search;
    }
    const build = () => {
      const h: Record<string, string> = { ...opts.headers };
      if (opts.accept) h.accept = opts.accept;
      const a = this.authHeader(opts.scope);
      if (a) h.authorization = a;
      return h;
    };
    const firstHeaders = build();
    let res = await this.send(base, path, opts.method ?? 'GET', firstHeaders, opts.body);
    if (res.status !== 401) return res;
    const challengeHeader = res.header('www-authenticate');
    await res.dump();
    const ch = parseChallenge(challengeHeader ?? '');
    // Judge by what this request carried: concurrent requests may have negotiated auth meanwhile.
    const hadAuth = firstHeaders.authorization !== undefined;
    if (hadAuth || !ch) {
      throw new PortcullisError({
        code: this.opts.credentials ? 'AUTH_FAILED' : 'AUTH_REQUIRED',
        message: this.opts.credentials ? `Registry ${this.registry} refused the credentials for user "${this.opts.credentials.username}"` : `Registry ${this.registry} requires authentication`,
        hint: 'Pass credentials with --creds USER:PASSWORD or --authfile FILE, or log in with `docker login`.',
      });
    }
    if (ch.scheme === 'basic') {
      if (!this.opts.credentials) {
        throw new PortcullisError({ code: 'AUTH_REQUIRED', message: `Registry ${this.registry} requires authentication`, hint: 'Pass credentials with --creds USER:PASSWORD or --authfile FILE, or log in with `docker login`.' });
      }
      this.basicAuth = true;
    } else if (ch.scheme === 'bearer') {
      await this.fetchToken(ch, opts.scope);
    } else {
      throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Registry ${this.registry} asks for unsupported auth scheme "${ch.scheme}"`, hint: 'Only Basic and Bearer token auth are supported.' });
    }
    res = await this.send(base, path, opts.method ?? 'GET', build(), opts.body);
    if (res.status === 401 || res.status === 403) {
      await res.dump();
      throw new PortcullisError({
        code: this.opts.credentials ? 'AUTH_FAILED' : 'AUTH_REQUIRED',
        message: this.opts.credentials ? `Registry ${this.registry} refused the credentials for user "${this.opts.credentials.username}" (HTTP ${res.status})` : `Registry ${this.registry} denied anonymous access (HTTP ${res.status})`,
        hint: 'Check the credentials (--creds USER:PASSWORD, --authfile, `docker login`) and that the repository exists.',
      });
    }
    return res;
  }

  private async failFor(res: HttpResponse, what: string, notFound: 'MANIFEST_UNKNOWN' | 'BLOB_MISSING'): Promise<never> {
    const body = (await res.text(MAX_SMALL_BODY).catch(() => '')).slice(0, 300);
    if (res.status === 404) {
      throw new PortcullisError({ code: notFound, message: `${what} not found on ${this.registry}`, hint: notFound === 'MANIFEST_UNKNOWN' ? 'Check the repository name and tag (e.g. with `skopeo list-tags`).' : 'The registry lost a blob; push the image again.' });
    }
    throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `${this.registry} answered HTTP ${res.status} for ${what}${body ? `: ${body.replace(/\s+/g, ' ')}` : ''}`, hint: 'Try again later or check the registry.' });
  }

  /** Fetches a manifest or index, verifying its digest. */
  async getManifest(repository: string, reference: string): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.request(`/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT, scope: `repository:${repository}:pull` });
    if (res.status !== 200) return this.failFor(res, `manifest ${repository}:${reference}`, 'MANIFEST_UNKNOWN');
    const body = await res.bytes(MAX_MANIFEST, `Manifest ${repository}:${reference}`);
    const actual = digestOf(body);
    if (reference.includes(':') && reference !== actual) throw mismatch(`manifest ${repository}@${reference}`, reference, actual);
    const announced = res.header('docker-content-digest');
    if (announced && announced.startsWith('sha256:') && announced !== actual) throw mismatch(`manifest ${repository}:${reference}`, announced, actual);
    return { body, mediaType: res.header('content-type')?.split(';')[0]?.trim() ?? '', digest: actual };
  }

  /** Reads a small blob whole (configs), verified. */
  async getBlob(repository: string, digest: string, limit: number): Promise<Buffer> {
    return readCapped(await this.openBlob(repository, digest), { max: limit, what: `Blob ${digest}`, peer: `registry ${this.registry}` });
  }

  /** Opens a blob as a stream that fails with DIGEST_MISMATCH if its bytes do not match. */
  async openBlob(repository: string, digest: string, size?: number): Promise<Readable> {
    const res = await this.request(`/v2/${repository}/blobs/${digest}`, { scope: `repository:${repository}:pull` });
    if (res.status !== 200) return this.failFor(res, `blob ${digest}`, 'BLOB_MISSING');
    return (res.body as unknown as Readable).pipe(new VerifyingStream(digest, `blob ${digest}`, size));
  }

  async close(): Promise<void> {
    await Promise.all([this.reads.close(), this.writes.close()]);
  }
}
