/**
 * A client for the OCI Distribution API v2 (distribution-spec), on undici: anonymous, basic and
 * bearer-token auth, plain HTTP only for loopback registries or with `insecure`, redirects and
 * retries with backoff, digests verified on every read.
 */
import type { Readable } from 'node:stream';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { PortcullisError } from '../../core/errors.js';
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

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A request body: bytes (re-sendable after an auth challenge) or a stream (sent once). */
export type RequestBody = Buffer | Readable;

export class RegistryClient {
  private base: string | undefined;
  private readonly agent: Dispatcher;
  private readonly insecureAgent: Dispatcher | undefined;
  /** For writes: no retry interceptor (it cannot replay bodies and hides 5xx answers); push.ts retries. */
  private readonly writeAgent: Dispatcher;
  /** Without retries: for probing whether the registry speaks TLS. */
  private readonly probeAgent: Agent;
  private readonly tokens = new Map<string, string>();
  private basicAuth = false;
  private readonly host: string;

  constructor(
    readonly registry: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    this.host = registry === 'docker.io' ? DOCKER_HUB_API_HOST : registry;
    const timeout = opts.timeoutMs ?? 60_000;
    const make = (rejectUnauthorized: boolean) =>
      new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connect: { rejectUnauthorized, timeout: 15_000 } }).compose(
        interceptors.redirect({ maxRedirections: 5 }),
        interceptors.retry({ maxRetries: 3, minTimeout: 300, maxTimeout: 5_000, timeoutFactor: 2, statusCodes: [429, 500, 502, 503, 504], methods: ['GET', 'HEAD'] }),
      );
    this.agent = make(true);
    this.writeAgent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connect: { rejectUnauthorized: !opts.insecure, timeout: 15_000 } });
    this.probeAgent = new Agent({ headersTimeout: timeout, connect: { rejectUnauthorized: !opts.insecure, timeout: 15_000 } });
    this.insecureAgent = opts.insecure ? make(false) : undefined;
  }

  private get dispatcher(): Dispatcher {
    return this.insecureAgent ?? this.agent;
  }

  /** Decides between https and http (http only for loopback or insecure registries). */
  private async baseUrl(): Promise<string> {
    if (this.base) return this.base;
    const https = `https://${this.host}`;
    try {
      await this.probeAgent.request({ origin: https, path: '/v2/', method: 'GET', headers: { 'user-agent': this.ua } }).then((r) => r.body.dump());
      this.base = https;
    } catch (err) {
      const plainOk = this.opts.insecure || isLoopbackHost(this.registry);
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (plainOk && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND') {
        this.base = `http://${this.host}`;
      } else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT') {
        throw new PortcullisError({ code: 'NETWORK_ERROR', message: `Cannot reach registry ${this.registry} (${code})`, hint: 'Check the registry address and your network; use --offline sources such as oci-archive: when offline.', cause: err });
      } else {
        throw new PortcullisError({
          code: 'INSECURE_REGISTRY',
          message: `TLS connection to ${this.registry} failed (${code || (err as Error).message})`,
          hint: 'If this registry really serves plain HTTP or a self-signed certificate, pass --insecure.',
          cause: err,
        });
      }
    }
    return this.base;
  }

  private get ua(): string {
    return this.opts.userAgent ?? 'portcullis';
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
    const headers: Record<string, string> = { 'user-agent': this.ua };
    const c = this.opts.credentials;
    if (c) headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString('base64')}`;
    const res = await this.send(url.origin, url.pathname + url.search, 'GET', headers);
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new PortcullisError({ code: 'AUTH_FAILED', message: `Registry ${this.registry} refused the credentials${c ? ` for user "${c.username}"` : ''} (HTTP ${res.statusCode})`, hint: 'Check the user name and password (--creds USER:PASSWORD, --authfile, or `docker login`).' });
    }
    if (res.statusCode !== 200) throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `Token endpoint of ${this.registry} answered HTTP ${res.statusCode}`, hint: 'Try again later.' });
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

  private async send(origin: string, path: string, method: HttpMethod, headers: Record<string, string>, body?: RequestBody): Promise<Dispatcher.ResponseData> {
    try {
      const dispatcher = method === 'GET' || method === 'HEAD' ? this.dispatcher : this.writeAgent;
      return await dispatcher.request({ origin, path, method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      if (err instanceof PortcullisError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new PortcullisError({ code: 'NETWORK_ERROR', message: `Request to ${this.registry} failed (${code || (err as Error).message})`, hint: 'Check the registry address and your network, then retry.', cause: err });
    }
  }

  /**
   * A request with auth negotiation: retries once after answering a 401 challenge. `path` may be an
   * absolute URL on the registry's origin (upload locations). A stream body cannot be sent twice:
   * callers that push streams authenticate first with a small request.
   */
  async request(path: string, opts: { method?: HttpMethod; accept?: string; scope: string; body?: RequestBody; headers?: Record<string, string> }): Promise<Dispatcher.ResponseData> {
    let base = await this.baseUrl();
    if (/^https?:\/\//.test(path)) {
      const u = new URL(path);
      base = u.origin;
      path = u.pathname + u.search;
    }
    const build = () => {
      const h: Record<string, string> = { 'user-agent': this.ua, ...opts.headers };
      if (opts.accept) h.accept = opts.accept;
      const a = this.authHeader(opts.scope);
      if (a) h.authorization = a;
      return h;
    };
    const firstHeaders = build();
    let res = await this.send(base, path, opts.method ?? 'GET', firstHeaders, opts.body);
    if (res.statusCode !== 401) return res;
    const challengeHeader = res.headers['www-authenticate'];
    await res.body.dump();
    const ch = parseChallenge(Array.isArray(challengeHeader) ? challengeHeader[0]! : (challengeHeader ?? ''));
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
    if (res.statusCode === 401 || res.statusCode === 403) {
      await res.body.dump();
      throw new PortcullisError({
        code: this.opts.credentials ? 'AUTH_FAILED' : 'AUTH_REQUIRED',
        message: this.opts.credentials ? `Registry ${this.registry} refused the credentials for user "${this.opts.credentials.username}" (HTTP ${res.statusCode})` : `Registry ${this.registry} denied anonymous access (HTTP ${res.statusCode})`,
        hint: 'Check the credentials (--creds USER:PASSWORD, --authfile, `docker login`) and that the repository exists.',
      });
    }
    return res;
  }

  private async failFor(res: Dispatcher.ResponseData, what: string, notFound: 'MANIFEST_UNKNOWN' | 'BLOB_MISSING'): Promise<never> {
    const body = (await res.body.text().catch(() => '')).slice(0, 300);
    if (res.statusCode === 404) {
      throw new PortcullisError({ code: notFound, message: `${what} not found on ${this.registry}`, hint: notFound === 'MANIFEST_UNKNOWN' ? 'Check the repository name and tag (e.g. with `skopeo list-tags`).' : 'The registry lost a blob; push the image again.' });
    }
    throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `${this.registry} answered HTTP ${res.statusCode} for ${what}${body ? `: ${body.replace(/\s+/g, ' ')}` : ''}`, hint: 'Try again later or check the registry.' });
  }

  /** Fetches a manifest or index, verifying its digest. */
  async getManifest(repository: string, reference: string): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.request(`/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT, scope: `repository:${repository}:pull` });
    if (res.statusCode !== 200) return this.failFor(res, `manifest ${repository}:${reference}`, 'MANIFEST_UNKNOWN');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body) {
      size += (c as Buffer).length;
      if (size > MAX_MANIFEST) {
        res.body.destroy();
        throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Manifest ${repository}:${reference} is larger than ${MAX_MANIFEST} bytes`, hint: 'This is not a sane manifest.' });
      }
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks);
    const actual = digestOf(body);
    if (reference.includes(':') && reference !== actual) throw mismatch(`manifest ${repository}@${reference}`, reference, actual);
    const header = res.headers['docker-content-digest'];
    const announced = Array.isArray(header) ? header[0] : header;
    if (announced && announced.startsWith('sha256:') && announced !== actual) throw mismatch(`manifest ${repository}:${reference}`, announced, actual);
    const ct = res.headers['content-type'];
    return { body, mediaType: (Array.isArray(ct) ? ct[0] : ct)?.split(';')[0]?.trim() ?? '', digest: actual };
  }

  /** Reads a small blob whole (configs), verified. */
  async getBlob(repository: string, digest: string, limit: number): Promise<Buffer> {
    const stream = await this.openBlob(repository, digest);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of stream) {
      size += (c as Buffer).length;
      if (size > limit) {
        stream.destroy();
        throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Blob ${digest} is larger than ${limit} bytes`, hint: 'This is not a sane image config.' });
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Opens a blob as a stream that fails with DIGEST_MISMATCH if its bytes do not match. */
  async openBlob(repository: string, digest: string, size?: number): Promise<Readable> {
    const res = await this.request(`/v2/${repository}/blobs/${digest}`, { scope: `repository:${repository}:pull` });
    if (res.statusCode !== 200) return this.failFor(res, `blob ${digest}`, 'BLOB_MISSING');
    return (res.body as unknown as Readable).pipe(new VerifyingStream(digest, `blob ${digest}`, size));
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.insecureAgent?.close(), this.probeAgent.close(), this.writeAgent.close()]);
  }
}
