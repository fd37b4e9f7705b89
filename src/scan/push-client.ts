/** The client of `scan --push`: TLS trust as the user says, one `occurrences:replaceScan` request, retried under the one policy of src/http. */
import { PortcullisError, type Secret } from '../core/index.js';
import { createHttpClient, HttpNetworkError, tryParseFingerprint, type RetryPolicy, type TlsSettings } from '../http/index.js';
import { type Json, type ScanRecord } from './grafeas-record.js';

// ---------------------------------------------------------------------------------------------
// The client

/** CA file, insecure, or a pinned certificate fingerprint (`--push-ca`, `--push-insecure`, `--push-fingerprint`). */
export type PushTls = TlsSettings;

export interface PushOptions {
  /** The server's base URL, e.g. https://metadata.example:8443. */
  url: string;
  /** Bearer token; only `.reveal()`ed into the Authorization header. */
  token?: Secret;
  project: string;
  tls?: PushTls;
  /** Headers and body timeouts in milliseconds; default 120 s. */
  timeoutMs?: number;
  /** Overrides of the retry policy (429/502/503/504 and connection failures, Retry-After honoured), e.g. `onRetry`. */
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
  const hex = tryParseFingerprint(fp);
  if (!hex)
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push-fingerprint "${fp}"`,
      hint: 'The SHA-256 fingerprint the server prints at start: 32 hex bytes, colons optional.',
    });
  return hex;
}

/** A response body as a JSON object; {} when empty or not JSON (the status then tells what happened). */
function parseJsonText(text: string): Json {
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

const TLS_HINT = 'Pin it with --push-fingerprint SHA256 (the server prints it), trust its CA with --push-ca FILE, or (tests only) --push-insecure.';

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
  const timeout = opts.timeoutMs ?? 120_000;
  const http = createHttpClient({ tls: opts.tls ?? {}, timeouts: { headersMs: timeout, bodyMs: timeout }, peer: `the metadata server at ${base.origin}` });
  try {
    let res;
    try {
      // replaceScan replaces the previous scan of the resource: repeating it is harmless.
      res = await http.request(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token.reveal()}` } : {}),
        },
        body: JSON.stringify(record),
        retry: { ...opts.retry, retryNonIdempotent: true },
      });
    } catch (err) {
      // A certificate the system roots do not vouch for: say which flags trust it.
      if (err instanceof HttpNetworkError && err.code === 'TLS_UNTRUSTED') throw new PortcullisError({ code: err.code, message: err.message, hint: TLS_HINT, cause: err });
      throw err;
    }
    const text = await res.text();
    const json = parseJsonText(text);
    if (res.status === 200) return json as unknown as PushResult;
    const message = ((json.error as Json | undefined)?.message as string | undefined) ?? text.slice(0, 200);
    if (res.status === 401)
      throw new PortcullisError({
        code: 'AUTH_FAILED',
        message: `The metadata server refused the token: ${message}`,
        hint: 'Pass a valid token with --push-token or PORTCULLIS_TOKEN.',
      });
    if (res.status === 403)
      throw new PortcullisError({
        code: 'PERMISSION_DENIED',
        message: `The metadata server denied the push: ${message}`,
        hint: 'The token needs the writer role on --push-project, and on the notes project when notes are missing there.',
      });
    if (res.status === 429)
      throw new PortcullisError({
        code: 'RATE_LIMITED',
        message: `The metadata server kept refusing the push as rate-limited (429): ${message}`,
        hint:
          res.gaveUp?.retryAfterMs !== undefined
            ? `It asked to retry after ${Math.ceil(res.gaveUp.retryAfterMs / 1000)} s; push again later, or raise the server's --rate-limit/--rate-burst.`
            : "Push again later, or raise the server's --rate-limit/--rate-burst.",
      });
    throw new PortcullisError({
      code: 'PUSH_FAILED',
      message: `The metadata server answered ${res.status}: ${message}`,
    });
  } finally {
    await http.close();
  }
}
