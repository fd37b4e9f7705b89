/** The client of `scan --push`: TLS trust as the user says, one `occurrences:replaceScan` request with retries. */
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { sendWithRetry, type RetriedResponse, type RetryPolicy } from './push-retry.js';
import { PortcullisError } from '../core/errors.js';
import { type Json, type ScanRecord } from './grafeas-record.js';
import type { Secret } from '../core/secret.js';

// ---------------------------------------------------------------------------------------------
// The client

export interface PushTls {
  /** PEM CA bundle that signs (or is) the server's certificate. */
  ca?: string;
  /** Accept any certificate. */
  insecure?: boolean;
  /** SHA-256 fingerprint of the server's certificate (hex, colons optional): pinned, the CA chain is not consulted. */
  fingerprint?: string;
}

export interface PushOptions {
  /** The server's base URL, e.g. https://metadata.example:8443. */
  url: string;
  /** Bearer token; only `.reveal()`ed into the Authorization header. */
  token?: Secret;
  project: string;
  tls?: PushTls;
  /** Milliseconds; default 120 s. */
  timeoutMs?: number;
  /** Retries of 429/503 answers (honouring Retry-After); default: push-retry.ts's policy. */
  retry?: RetryPolicy;
}

export interface PushResult {
  resourceUri: string;
  notesProject: string;
  deletedCount: number;
  createdCount: number;
  notesCreatedCount: number;
}

/** `AB:CD:…` or `abcd…` (optionally `sha256:`-prefixed) → 64 lowercase hex digits. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/:/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push-fingerprint "${fp}"`,
      hint: 'The SHA-256 fingerprint the server prints at start: 32 hex bytes, colons optional.',
    });
  return hex;
}

/** An undici dispatcher that trusts the server as `tls` says. */
export function pushDispatcher(tls: PushTls = {}, timeoutMs = 120_000): Dispatcher {
  const pinned = tls.fingerprint ? normalizeFingerprint(tls.fingerprint) : undefined;
  const base = buildConnector({
    ...(tls.ca ? { ca: tls.ca } : {}),
    rejectUnauthorized: !(tls.insecure || pinned),
    maxCachedSessions: 0,
    timeout: 15_000,
  });
  const connect: buildConnector.connector = (opts, cb) =>
    base(opts, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error('connection failed'), null);
      if (pinned && opts.protocol === 'https:') {
        const got = (socket as TLSSocket)
          .getPeerCertificate?.()
          ?.fingerprint256?.replace(/:/g, '')
          .toLowerCase();
        if (got !== pinned) {
          socket.destroy();
          return cb(
            new PortcullisError({
              code: 'TLS_UNTRUSTED',
              message: `The server's certificate has SHA-256 fingerprint ${got ?? '(none)'}, not the pinned ${pinned}`,
              hint: 'Check --push-fingerprint against the fingerprint the server printed at start.',
            }),
            null,
          );
        }
      }
      return cb(null, socket);
    });
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

/** A response body as a JSON object; {} when empty or not JSON (the status then tells what happened). */
export function parseJsonText(text: string): Json {
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

export function tlsError(err: unknown): PortcullisError | undefined {
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (err instanceof PortcullisError) return err;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    return new PortcullisError({
      code: 'TLS_UNTRUSTED',
      message: `The server's TLS certificate is not trusted (${code})`,
      hint: 'Pin it with --push-fingerprint SHA256 (the server prints it), trust its CA with --push-ca FILE, or (tests only) --push-insecure.',
      cause: err,
    });
  return undefined;
}

/** Sends the scan in one `occurrences:replaceScan` request. */
export async function pushScan(record: ScanRecord, opts: PushOptions): Promise<PushResult> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch (err) {
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${opts.url}"`,
      hint: 'The metadata server, e.g. https://metadata.example:8443.',
      cause: err,
    });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${opts.url}": use https:// (or http:// for a loopback test server)`,
    });
  const target = new URL(
    `${base.pathname.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(opts.project)}/occurrences:replaceScan`,
    base,
  );
  const dispatcher = pushDispatcher(opts.tls, opts.timeoutMs);
  try {
    let res;
    let gaveUp: RetriedResponse['gaveUp'];
    const body = JSON.stringify(record);
    try {
      ({ res, gaveUp } = await sendWithRetry(
        () =>
          request(target, {
            method: 'POST',
            dispatcher,
            headers: {
              'content-type': 'application/json',
              ...(opts.token ? { authorization: `Bearer ${opts.token.reveal()}` } : {}),
            },
            body,
          }),
        opts.retry,
      ));
    } catch (err) {
      throw (
        tlsError(err) ??
        new PortcullisError({
          code: 'NETWORK_ERROR',
          message: `Cannot reach the metadata server at ${base.origin}: ${(err as { code?: string }).code ?? (err as Error).message}`,
          cause: err,
        })
      );
    }
    const text = await res.body.text();
    const json = parseJsonText(text);
    if (res.statusCode === 200) return json as unknown as PushResult;
    const message = ((json.error as Json | undefined)?.message as string | undefined) ?? text.slice(0, 200);
    if (res.statusCode === 401)
      throw new PortcullisError({
        code: 'AUTH_FAILED',
        message: `The metadata server refused the token: ${message}`,
        hint: 'Pass a valid token with --push-token or PORTCULLIS_TOKEN.',
      });
    if (res.statusCode === 403)
      throw new PortcullisError({
        code: 'PERMISSION_DENIED',
        message: `The metadata server denied the push: ${message}`,
        hint: 'The token needs the writer role on --push-project, and on the notes project when notes are missing there.',
      });
    if (res.statusCode === 429)
      throw new PortcullisError({
        code: 'RATE_LIMITED',
        message: `The metadata server kept refusing the push as rate-limited (429): ${message}`,
        hint:
          gaveUp?.retryAfterMs !== undefined
            ? `It asked to retry after ${Math.ceil(gaveUp.retryAfterMs / 1000)} s; push again later, or raise the server's --rate-limit/--rate-burst.`
            : "Push again later, or raise the server's --rate-limit/--rate-burst.",
      });
    throw new PortcullisError({
      code: 'PUSH_FAILED',
      message: `The metadata server answered ${res.statusCode}: ${message}`,
    });
  } finally {
    await dispatcher.close();
  }
}
