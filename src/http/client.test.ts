/**
 * The HTTP helper against real local servers (node:http, node:https, a CONNECT proxy): retried
 * statuses and Retry-After, connection failures, timeouts, caps, abort, TLS trust, redirects.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from './client.js';
import type { RetryEvent } from './retry.js';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

const servers: Server[] = [];
const clients: HttpClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(s: Server): Promise<string> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A server answering the n-th request (0-based) with `handler`; records request times and methods. */
async function serve(handler: Handler): Promise<{ url: string; hits: { at: number; method: string; body: string }[] }> {
  const hits: { at: number; method: string; body: string }[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ at: Date.now(), method: req.method!, body: Buffer.concat(chunks).toString() });
      handler(req, res, hits.length - 1);
    });
  });
  return { url: `http://${await listen(s)}`, hits };
}

function client(opts: Parameters<typeof createHttpClient>[0] = {}): HttpClient {
  const c = createHttpClient(opts);
  clients.push(c);
  return c;
}

const fast = { baseDelayMs: 5, maxDelayMs: 20 };

describe('retried statuses', () => {
  it.each([
    ['seconds', '1'],
    ['an HTTP date', 'date'],
  ])('429 with Retry-After in %s: waits as asked, tells onRetry, then succeeds', async (_name, kind) => {
    const s = await serve((_req, res, n) => {
      // An HTTP date has a resolution of one second: ask for two so that at least one remains.
      const retryAfter = kind === 'date' ? new Date(Date.now() + 2000).toUTCString() : '1';
      if (n === 0) res.writeHead(429, { 'retry-after': retryAfter }).end('slow down');
      else res.writeHead(200).end('ok');
    });
    const events: RetryEvent[] = [];
    const res = await client().request(`${s.url}/x`, { retry: { onRetry: (e) => events.push(e) } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(res.attempts).toBe(2);
    expect(s.hits[1]!.at - s.hits[0]!.at).toBeGreaterThanOrEqual(900);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ attempt: 1, reason: '429', status: 429 });
    expect(events[0]!.waitMs).toBeGreaterThanOrEqual(kind === 'date' ? 1000 : 1000);
  });

  it.each([502, 503, 504])('%s then 200: retried with backoff', async (status) => {
    const s = await serve((_req, res, n) => res.writeHead(n === 0 ? status : 200).end(String(n)));
    const res = await client({ retry: fast }).request(`${s.url}/x`);
    expect([res.status, await res.text(), s.hits.length]).toEqual([200, '1', 2]);
  });

  it.each([500, 404, 401])('%s is answered as is, not retried', async (status) => {
    const s = await serve((_req, res) => res.writeHead(status).end());
    const res = await client({ retry: fast }).request(`${s.url}/x`);
    expect([res.status, res.gaveUp, s.hits.length]).toEqual([status, undefined, 1]);
  });

  it('gives up after maxAttempts: the last answer, body unread, with what it asked for', async () => {
    const s = await serve((_req, res) => res.writeHead(503, { 'retry-after': '0' }).end('draining'));
    const res = await client().request(`${s.url}/x`, { retry: { maxAttempts: 3 } });
    expect([res.status, res.attempts, res.gaveUp, s.hits.length]).toEqual([503, 3, { status: 503, retryAfterMs: 0 }, 3]);
    expect(await res.text()).toBe('draining');
  });

  it('a Retry-After beyond maxRetryAfterMs is not waited for', async () => {
    const s = await serve((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const t0 = Date.now();
    const res = await client().request(`${s.url}/x`);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect([res.status, res.gaveUp?.retryAfterMs, s.hits.length]).toEqual([429, 3_600_000, 1]);
  });

  it('maxTotalMs bounds attempts and waits together', async () => {
    const s = await serve((_req, res) => res.writeHead(503, { 'retry-after': '1' }).end());
    const res = await client().request(`${s.url}/x`, { retry: { maxAttempts: 10, maxTotalMs: 1500 } });
    expect([res.status, s.hits.length]).toEqual([503, 2]);
  });

  it('POST after a 502 is retried only when the caller opts in; a stream body never', async () => {
    const paths = new Set<string>();
    const s = await serve((req, res) => {
      res.writeHead(paths.has(req.url!) ? 200 : 502).end();
      paths.add(req.url!);
    });
    const c = client({ retry: fast });
    expect((await c.request(`${s.url}/a`, { method: 'POST', body: 'x' })).status).toBe(502);
    expect(s.hits).toHaveLength(1);
    const ok = await c.request(`${s.url}/b`, { method: 'POST', body: 'again', retry: { retryNonIdempotent: true } });
    expect([ok.status, s.hits.length, s.hits[2]!.body]).toEqual([200, 3, 'again']);
    const streamed = await c.request(`${s.url}/c`, { method: 'PUT', body: Readable.from([Buffer.from('s')]) });
    expect([streamed.status, s.hits.length]).toEqual([502, 4]);
  });

  it.each([429, 503])('POST after a %s (not processed) is retried without opting in', async (status) => {
    const s = await serve((_req, res, n) => res.writeHead(n === 0 ? status : 200, { 'retry-after': '0' }).end());
    const res = await client().request(`${s.url}/x`, { method: 'POST', body: 'x' });
    expect([res.status, s.hits.length]).toEqual([200, 2]);
  });

  it('retry: false sends once', async () => {
    const s = await serve((_req, res) => res.writeHead(503).end());
    expect((await client().request(`${s.url}/x`, { retry: false })).status).toBe(503);
    expect(s.hits).toHaveLength(1);
  });
});

describe('network failures', () => {
  it('a refused connection is retried, then NETWORK_ERROR', async () => {
    const dead = createServer();
    const host = await listen(dead);
    await new Promise((r) => dead.close(r));
    const events: RetryEvent[] = [];
    await expect(client({ retry: { ...fast, maxAttempts: 3, onRetry: (e) => events.push(e) } }).request(`http://${host}/`, { method: 'POST', body: 'x' })).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      reason: 'ECONNREFUSED',
    });
    expect(events.map((e) => [e.attempt, e.reason])).toEqual([
      [1, 'ECONNREFUSED'],
      [2, 'ECONNREFUSED'],
    ]);
  });

  it('a connection reset before the answer is retried for GET', async () => {
    const s = await serve((req, res, n) => (n === 0 ? req.socket.destroy() : res.writeHead(200).end('second')));
    const res = await client({ retry: fast }).request(`${s.url}/x`);
    expect([res.status, await res.text(), s.hits.length]).toEqual([200, 'second', 2]);
  });

  it('a server that does not answer: NETWORK_TIMEOUT after the headers timeout', async () => {
    const s = await serve(() => undefined);
    const t0 = Date.now();
    await expect(client({ timeouts: { headersMs: 300 } }).request(`${s.url}/x`, { retry: false })).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('a body that stalls: NETWORK_TIMEOUT from the read', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('abc');
    });
    const res = await client({ timeouts: { bodyMs: 300 } }).request(`${s.url}/x`);
    await expect(res.text()).rejects.toMatchObject({ code: 'NETWORK_TIMEOUT' });
  });
});

describe('capped reads', () => {
  it.each([
    [1000, 1000, 'ok'],
    [1001, 1000, 'FILE_TOO_LARGE'],
  ])('%s bytes with a cap of %s: %s', async (size, max, want) => {
    const s = await serve((_req, res) => res.writeHead(200).end(Buffer.alloc(size, 0x61)));
    const res = await client().request(`${s.url}/x`);
    const got = await res.bytes(max).then(
      (b) => (b.length === size ? 'ok' : 'short'),
      (e: { code: string }) => e.code,
    );
    expect(got).toBe(want);
  });
});

describe('abort', () => {
  it('an abort during the request: ABORTED', async () => {
    const s = await serve(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(client().request(`${s.url}/x`, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('an abort during a retry wait ends the wait at once', async () => {
    const s = await serve((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end());
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    await expect(client().request(`${s.url}/x`, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.hits).toHaveLength(1);
  });
});

describe('TLS trust, redirects, proxy', () => {
  let dir: string;
  let cert: string;
  let httpsUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-http-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    const s = createHttpsServer({ cert, key: readFileSync(join(dir, 'k.pem')) }, (_req, res) => res.writeHead(200).end('secure'));
    httpsUrl = `https://${await listen(s as unknown as Server)}/`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['the system roots', {}, 'TLS_UNTRUSTED'],
    ['its certificate as CA', { ca: 'CERT' }, 'secure'],
    ['insecure', { insecure: true }, 'secure'],
    ['its pinned fingerprint', { fingerprint: 'PIN' }, 'secure'],
    ['another fingerprint', { fingerprint: 'ab'.repeat(32) }, 'TLS_UNTRUSTED'],
  ])('a self-signed server, trusting %s: %s', async (_name, tls: { ca?: string; insecure?: boolean; fingerprint?: string }, want) => {
    const settings = { ...tls, ...(tls.ca ? { ca: cert } : {}), ...(tls.fingerprint === 'PIN' ? { fingerprint: new X509Certificate(cert).fingerprint256 } : {}) };
    const got = await client({ tls: settings, retry: false })
      .request(httpsUrl)
      .then(
        (r) => r.text(),
        (e: { code: string }) => e.code,
      );
    expect(got).toBe(want);
  });

  it('redirects are followed only when asked', async () => {
    const s = await serve((req, res) => (req.url === '/from' ? res.writeHead(307, { location: '/to' }).end() : res.writeHead(200).end(req.url)));
    expect((await client().request(`${s.url}/from`)).status).toBe(307);
    const followed = await client({ maxRedirections: 3 }).request(`${s.url}/from`);
    expect([followed.status, await followed.text()]).toEqual([200, '/to']);
  });

  it('a proxy (HTTP_PROXY/NO_PROXY settings) carries the request; NO_PROXY bypasses it', async () => {
    const tunnelled: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) => {
      tunnelled.push(req.url!);
      const [host, port] = req.url!.split(':');
      const up = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(socket).pipe(up);
      });
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
    const proxyUrl = `http://${await listen(proxy)}`;
    const s = await serve((_req, res) => res.writeHead(200).end('via'));
    const target = new URL(s.url);
    const res = await client({ proxy: { httpProxy: proxyUrl, noProxy: '' } }).request(`${s.url}/x`);
    expect([res.status, await res.text()]).toEqual([200, 'via']);
    expect(tunnelled).toEqual([target.host]);
    const direct = await client({ proxy: { httpProxy: proxyUrl, noProxy: target.hostname } }).request(`${s.url}/y`);
    expect(direct.status).toBe(200);
    expect(tunnelled).toHaveLength(1);
  });
});
