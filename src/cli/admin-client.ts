/**
 * Admin commands (`server token create|list|revoke`, `audit verify|export`) on an embedded data
 * directory that a running `portcullis server` owns: they go through that server's admin API
 * (src/server/routes/admin.ts), authorised by the credential in the lock file and pinned to the
 * certificate fingerprint recorded there. Any other owner: STORE_LOCKED.
 */
import type { Readable } from 'node:stream';
import { PortcullisError, ERROR_CODES, type ErrorCode } from '../core/index.js';
import { createHttpClient, HttpNetworkError, type HttpResponse } from '../http/index.js';
import type { AuditVerifyResult } from '../audit/index.js';
import type { TokenInfo } from '../server/index.js';
import {
  liveHolder,
  StoreLockedError,
  type LockHolder,
  type LockServerInfo,
  type Store,
} from '../store/index.js';
import { openStoreFrom, type StoreFlags } from './store-options.js';

export interface AdminClient {
  readonly url: string;
  readonly pid: number;
  listTokens(): Promise<TokenInfo[]>;
  createToken(input: { projects: string[]; role: string; expiresAt?: string; description?: string }): Promise<{ token: string; info: TokenInfo }>;
  revokeToken(id: string): Promise<void>;
  verifyAudit(anchor?: { n: number; hash: string }): Promise<AuditVerifyResult>;
  /** The export as a byte stream of JSON lines. */
  exportAudit(since: number): Promise<Readable>;
}

function unreachable(holder: LockHolder, server: LockServerInfo, err: unknown): PortcullisError {
  return new PortcullisError({
    code: 'STORE_LOCKED',
    message: `The embedded database is held by portcullis server (process ${holder.pid}) at ${server.url}, which does not answer: ${(err as Error)?.message ?? String(err)}`,
    hint: `Check that process (kill ${holder.pid} stops it and frees the data directory), then retry.`,
    cause: err,
  });
}

function isCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && (ERROR_CODES as readonly string[]).includes(s);
}

export function adminClient(holder: LockHolder, server: LockServerInfo): AdminClient {
  const https = server.url.startsWith('https:');
  const http = createHttpClient({
    ...(https ? { tls: server.fingerprint256 ? { fingerprint: server.fingerprint256 } : { insecure: true } } : {}),
    timeouts: { headersMs: 600_000, bodyMs: 600_000 },
    // The server is on this machine: never through a proxy.
    proxy: false,
  });
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await http.request(new URL(path, server.url), {
        method,
        headers: { authorization: `Bearer ${server.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      if (err instanceof HttpNetworkError) throw unreachable(holder, server, err);
      throw err;
    }
    if (res.status < 300) return res;
    const text = await res.text(1024 * 1024).catch(() => '');
    let reason: unknown;
    let message = text.slice(0, 500) || `HTTP ${res.status}`;
    try {
      const e = (JSON.parse(text) as { error?: { message?: string; details?: { reason?: string }[] } }).error;
      reason = e?.details?.find((d) => d.reason)?.reason;
      if (e?.message) message = e.message;
    } catch {
      // not JSON: keep the text
    }
    throw new PortcullisError({
      code: isCode(reason) ? reason : res.status === 401 ? 'AUTH_FAILED' : res.status >= 500 ? 'INTERNAL' : 'USAGE',
      message: `${message} (from portcullis server ${server.url}, process ${holder.pid})`,
    });
  }
  const json = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => JSON.parse(await (await call(method, path, body)).text(64 * 1024 * 1024)) as T;
  return {
    url: server.url,
    pid: holder.pid,
    listTokens: async () => (await json<{ tokens: TokenInfo[] }>('GET', '/admin/v1/tokens')).tokens,
    createToken: (input) => json('POST', '/admin/v1/tokens', input),
    revokeToken: async (id) => {
      await json('POST', `/admin/v1/tokens/${encodeURIComponent(id)}/revoke`, {});
    },
    verifyAudit: (anchor) => json('GET', `/admin/v1/audit/verify${anchor ? `?anchor=${anchor.n}:${anchor.hash}` : ''}`),
    exportAudit: async (since) => (await call('GET', `/admin/v1/audit/export?since=${since}`)).body,
  };
}

export type StoreOrServer = { store: Store; server?: undefined } | { store?: undefined; server: AdminClient };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The store, or — when a running server owns the embedded data directory — a client of that
 * server's admin API. A server still starting (lock taken, not yet listening) is waited for.
 */
export async function openStoreOrServer(flags: StoreFlags, waitMs = 15_000): Promise<StoreOrServer> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return { store: await openStoreFrom(flags) };
    } catch (err) {
      if (!(err instanceof StoreLockedError)) throw err;
      let holder = err.holder;
      while (holder && holder.command === 'server' && !holder.server && Date.now() < deadline) {
        await sleep(100);
        holder = liveHolder(err.dir);
      }
      if (holder?.server) return { server: adminClient(holder, holder.server) };
      if (holder && holder.command === 'server') throw new StoreLockedError(err.dir, holder, `That server (process ${holder.pid}) is not listening yet; retry in a moment.`);
      if (holder) throw err;
      // Released meanwhile: open it ourselves.
      if (Date.now() >= deadline) throw err;
    }
  }
}
