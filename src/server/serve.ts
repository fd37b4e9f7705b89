/**
 * Puts the app on a socket: HTTPS (given or self-signed certificate) or, on loopback only, plain
 * HTTP; graceful shutdown that stops accepting, lets in-flight requests finish (up to a deadline)
 * and answers /readyz with 503 meanwhile.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { AuditLinker, appendAudit, pendingAuditCtes } from '../audit/index.js';
import { PortcullisError } from '../core/index.js';
import type { Store } from '../store/index.js';
import { createApp, type AppOptions, type ServerApp } from './app.js';
import { createMetrics } from './metrics.js';
import { fingerprintOf, generateSelfSigned, loadOrCreateSelfSigned } from './tls.js';
import { TokenCache } from './token-cache.js';
import { followRevocations } from './token-revocations.js';

export interface Listen {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:8443';

/** `HOST:PORT` or `[IPv6]:PORT`. */
export function parseListen(s: string): Listen {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --listen "${s}"`,
      hint: 'Use HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443 (port 0 picks a free one).',
    });
  return { host: (m[1] ?? m[2])!, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface ServeOptions extends Omit<AppOptions, 'db' | 'audit' | 'metrics' | 'logger' | 'tokenCache'> {
  store: Store;
  listen: Listen;
  /** PEM certificate and key; undefined: a self-signed one (kept in `tlsDir` when given). */
  tls?: { cert: string; key: string };
  /** Where the self-signed certificate is kept across restarts; undefined: generated per start. */
  tlsDir?: string;
  /** PEM CA bundle: request client certificates and verify them against it (mTLS). */
  clientCa?: string;
  /** Plain HTTP, allowed on loopback addresses only. */
  insecureHttp?: boolean;
  logger: Logger;
  /** How long shutdown waits for in-flight requests. Default 10 s. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  /** SHA-256 fingerprint of the certificate (HTTPS). */
  fingerprint256?: string;
  selfSigned: boolean;
  /** Where the self-signed certificate is kept, and whether it was made at this start. */
  selfSignedFile?: { path: string; created: boolean };
  app: ServerApp;
  /** Stops accepting, drains in-flight requests, then resolves. */
  shutdown(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { listen, logger } = opts;
  if (opts.insecureHttp && !isLoopback(listen.host))
    throw new PortcullisError({
      code: 'USAGE',
      message: `--insecure-http is only allowed on a loopback address, not "${listen.host}"`,
      hint: 'Serve HTTPS (the default), or listen on 127.0.0.1.',
    });
  if (opts.insecureHttp && opts.clientCa)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--client-ca needs HTTPS; it excludes --insecure-http',
    });
  const {
    store,
    tls: _tls,
    insecureHttp: _i,
    drainTimeoutMs: _d,
    listen: _l,
    tlsDir: _t,
    clientCa: _c,
    ...appOpts
  } = opts;
  // Writes add pending audit entries in their own transactions; the linker chains them in
  // batches (and, at start, whatever a crash left pending).
  const linker = new AuditLinker(store.db, {
    onError: (err) => logger.error({ err }, 'audit linking failed (retried)'),
  });
  await linker.flush();
  linker.start();
  // Token verifications are cached; on PostgreSQL only while the LISTEN for revocations by
  // other processes is up (on the embedded store this server is the only writer).
  const tokenCache = new TokenCache();
  const revocations = followRevocations(store, tokenCache, logger);
  const app = createApp({
    ...appOpts,
    db: store.db,
    audit: (db, e) => appendAudit(db, e),
    auditInline: (e, guard) => pendingAuditCtes(e, guard),
    onWriteCommitted: () => linker.kick(),
    logger,
    metrics: createMetrics({ defaultMetrics: true }),
    tokenCache,
  });
  let tls = opts.tls;
  let selfSigned = false;
  let selfSignedFile: RunningServer['selfSignedFile'];
  if (!opts.insecureHttp && !tls) {
    if (opts.tlsDir) {
      const kept = await loadOrCreateSelfSigned({ dir: opts.tlsDir, hosts: [listen.host] });
      tls = kept;
      selfSignedFile = { path: kept.certFile, created: kept.created };
    } else tls = await generateSelfSigned({ hosts: [listen.host] });
    selfSigned = true;
  }
  const mtls = opts.clientCa ? { ca: opts.clientCa, requestCert: true, rejectUnauthorized: false } : {};
  const server = createAdaptorServer({
    fetch: app.app.fetch,
    ...(tls
      ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key, ...mtls } }
      : { createServer: createHttpServer }),
  }) as Server;
  server.keepAliveTimeout = 5000;
  // Responses are written as headers and body: without TCP_NODELAY on every accepted socket
  // (TLS ones included), the body waits for the client's delayed ACK (~40 ms on Linux).
  server.on(tls ? 'secureConnection' : 'connection', (socket: import('node:net').Socket) =>
    socket.setNoDelay(true),
  );
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        new PortcullisError({
          code: 'USAGE',
          message: `Cannot listen on ${listen.host}:${listen.port}: ${err.code ?? err.message}`,
          hint:
            err.code === 'EADDRINUSE' ? 'Another process uses that port; pick another --listen.' : undefined,
          cause: err,
        }),
      );
    server.once('error', onError);
    server.listen(listen.port, listen.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    ...(tls ? { fingerprint256: fingerprintOf(tls.cert) } : {}),
    selfSigned,
    ...(selfSignedFile ? { selfSignedFile } : {}),
    app,
    shutdown() {
      closing ??= new Promise<void>((resolve) => {
        app.state.draining = true;
        logger.info({}, 'shutting down: draining in-flight requests');
        const timer = setTimeout(() => {
          logger.warn({}, 'drain deadline reached: closing remaining connections');
          server.closeAllConnections();
        }, opts.drainTimeoutMs ?? 10_000);
        // Keep-alive connections become idle as their last request ends: close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweep);
          void revocations?.close();
          linker.stop().then(resolve, (err: unknown) => {
            logger.error({ err }, 'audit linking at shutdown failed: entries stay pending until the next start');
            resolve();
          });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
