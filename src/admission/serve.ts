/**
 * The webhook on an HTTPS socket (the API server calls webhooks over TLS only): the certificate
 * and key from files, or from a directory holding `tls.crt` and `tls.key` (a mounted
 * `kubernetes.io/tls` Secret). The files are re-read when they change (the kubelet updates a
 * mounted Secret in place; cert-manager renews it), so a rotated certificate is served without a
 * restart. Shutdown stops accepting, answers /readyz 503 and lets in-flight reviews finish.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { PortcullisError } from '../core/index.js';
import type { WebhookApp } from './app.js';

export const TLS_CERT_FILE = 'tls.crt';
export const TLS_KEY_FILE = 'tls.key';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** `--tls-cert/--tls-key` or `--tls-dir` → the two files. */
export function tlsFilesOf(flags: { tlsCert?: string; tlsKey?: string; tlsDir?: string }): TlsFiles {
  if (flags.tlsDir && (flags.tlsCert || flags.tlsKey)) throw new PortcullisError({ code: 'USAGE', message: '--tls-dir excludes --tls-cert and --tls-key' });
  if (flags.tlsDir) return { cert: join(flags.tlsDir, TLS_CERT_FILE), key: join(flags.tlsDir, TLS_KEY_FILE) };
  if (flags.tlsCert && flags.tlsKey) return { cert: flags.tlsCert, key: flags.tlsKey };
  throw new PortcullisError({ code: 'USAGE', message: flags.tlsCert || flags.tlsKey ? '--tls-cert and --tls-key go together' : 'The webhook needs a TLS certificate: --tls-cert FILE --tls-key FILE, or --tls-dir DIR', hint: '`portcullis admission manifests` generates one (the Secret portcullis-webhook-tls); the API server calls webhooks over HTTPS only.' });
}

function readTls(files: TlsFiles): { cert: string; key: string; stamp: string } {
  try {
    const stamp = [files.cert, files.key].map((f) => { const s = statSync(f); return `${s.mtimeMs}:${s.size}:${s.ino}`; }).join('|');
    return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8'), stamp };
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read the TLS certificate or key (${files.cert}, ${files.key}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`, cause: err });
  }
}

export interface WebhookServeOptions {
  app: WebhookApp;
  host: string;
  port: number;
  tls: TlsFiles;
  logger?: Logger;
  /** How often the TLS files are checked for a change (default 30 s). */
  reloadIntervalMs?: number;
  drainTimeoutMs?: number;
}

export interface RunningWebhook {
  url: string;
  /** Re-reads the TLS files now if they changed; true when the certificate was replaced. */
  reloadTls(): boolean;
  shutdown(): Promise<void>;
}

export async function startWebhook(opts: WebhookServeOptions): Promise<RunningWebhook> {
  let current = readTls(opts.tls);
  const server = createAdaptorServer({ fetch: opts.app.app.fetch, createServer: createHttpsServer, serverOptions: { cert: current.cert, key: current.key } }) as Server;
  server.keepAliveTimeout = 30_000;
  // Without TCP_NODELAY the body of a response waits for the client's delayed ACK (~40 ms).
  server.on('secureConnection', (socket: Socket) => socket.setNoDelay(true));
  // A malformed TLS or HTTP exchange is the client's problem, never the process's.
  server.on('tlsClientError', (err) => opts.logger?.debug({ err }, 'TLS handshake failed'));
  server.on('clientError', (err, socket) => {
    opts.logger?.debug({ err }, 'bad HTTP request');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new PortcullisError({ code: 'USAGE', message: `Cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`, cause: err }));
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const reloadTls = () => {
    let next;
    try {
      next = readTls(opts.tls);
    } catch (err) {
      opts.logger?.warn({ err }, 'TLS files unreadable: keeping the current certificate');
      return false;
    }
    if (next.stamp === current.stamp) return false;
    try {
      server.setSecureContext({ cert: next.cert, key: next.key });
    } catch (err) {
      opts.logger?.warn({ err }, 'new TLS certificate or key invalid: keeping the current one');
      return false;
    }
    current = next;
    opts.logger?.info({ cert: opts.tls.cert }, 'TLS certificate reloaded');
    return true;
  };
  const timer = setInterval(reloadTls, opts.reloadIntervalMs ?? 30_000).unref();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `https://${host}:${addr.port}`,
    reloadTls,
    shutdown() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        opts.app.state.draining = true;
        const deadline = setTimeout(() => server.closeAllConnections(), opts.drainTimeoutMs ?? 10_000);
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearTimeout(deadline);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
