/**
 * Failures of outbound requests as stable codes: NETWORK_ERROR (no connection, reset), NETWORK_TIMEOUT
 * (connect, headers or body deadline), TLS_UNTRUSTED (certificate refused), ABORTED (the caller's
 * signal). The original error code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, …) stays readable as
 * `reason`, and whether a repetition may help as `retryable`.
 */
import { PortcullisError, type ErrorCode } from '../core/index.js';

/** Failures before anything was sent: safe to repeat for any method. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures after the request may have reached the server: safe to repeat for idempotent requests. */
const REQUEST_FAILURES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** The code of an error or of its cause (`ECONNREFUSED`, `UND_ERR_SOCKET`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …); '' when none. */
export function errorCodeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return '';
}

export type NetworkRetry = 'connect' | 'request' | false;

/** Whether and when a failure may be cured by sending again. */
export function classifyNetworkError(err: unknown): NetworkRetry {
  const code = errorCodeOf(err);
  if (CONNECT_FAILURES.has(code)) return 'connect';
  if (REQUEST_FAILURES.has(code)) return 'request';
  return false;
}

/** A failed exchange with a server: no answer, or no whole answer. */
export class HttpNetworkError extends PortcullisError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The underlying error code, or its message when it has none. */
    readonly reason: string,
    readonly retryable: NetworkRetry,
    cause: unknown,
  ) {
    super({ code, message, hint: hintFor(code), cause });
    this.name = 'HttpNetworkError';
  }
}

function hintFor(code: ErrorCode): string {
  if (code === 'TLS_UNTRUSTED') return "Trust the server's CA (or pin its certificate), or, for tests only, allow insecure connections.";
  if (code === 'NETWORK_TIMEOUT') return 'The server is slow or unreachable; try again later.';
  return 'Check the address and your network, then retry.';
}

/**
 * Maps what undici or a socket threw to a coded error naming `peer` (e.g. "registry ghcr.io").
 * A PortcullisError (thrown by a connector, a verifying stream, a capped read) passes unchanged.
 */
export function networkError(err: unknown, peer: string, signal?: AbortSignal): PortcullisError {
  if (err instanceof PortcullisError) return err;
  const code = errorCodeOf(err);
  const reason = code || (err as Error)?.message || String(err);
  if (signal?.aborted || code === 'UND_ERR_ABORTED' || (err as Error)?.name === 'AbortError') {
    return new HttpNetworkError('ABORTED', `Request to ${peer} was cancelled`, reason, false, err);
  }
  if (TIMEOUTS.has(code)) return new HttpNetworkError('NETWORK_TIMEOUT', `Request to ${peer} timed out (${reason})`, reason, classifyNetworkError(err), err);
  if (UNTRUSTED.test(code)) return new HttpNetworkError('TLS_UNTRUSTED', `The TLS certificate of ${peer} is not trusted (${reason})`, reason, false, err);
  return new HttpNetworkError('NETWORK_ERROR', `Request to ${peer} failed (${reason})`, reason, classifyNetworkError(err), err);
}
