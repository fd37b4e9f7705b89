/**
 * The one table from error codes to HTTP status and google.rpc.Code, and the Google API error
 * body `{"error":{"code":404,"message":"…","status":"NOT_FOUND"}}` every error response carries.
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { isPortcullisError, PortcullisError, type ErrorCode } from '../core/index.js';
import type { Env } from './context.js';

export type RpcStatus = 'INVALID_ARGUMENT' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION' | 'UNIMPLEMENTED' | 'UNAVAILABLE' | 'INTERNAL';

const BY_CODE: Partial<Record<ErrorCode, [number, RpcStatus]>> = {
  USAGE: [400, 'INVALID_ARGUMENT'],
  METADATA_INVALID: [400, 'INVALID_ARGUMENT'],
  FILTER_INVALID: [400, 'INVALID_ARGUMENT'],
  PAGE_TOKEN_INVALID: [400, 'INVALID_ARGUMENT'],
  AUTH_REQUIRED: [401, 'UNAUTHENTICATED'],
  AUTH_FAILED: [401, 'UNAUTHENTICATED'],
  PERMISSION_DENIED: [403, 'PERMISSION_DENIED'],
  METADATA_NOT_FOUND: [404, 'NOT_FOUND'],
  METADATA_EXISTS: [409, 'ALREADY_EXISTS'],
  REQUEST_TOO_LARGE: [413, 'INVALID_ARGUMENT'],
  REQUEST_TOO_DEEP: [400, 'INVALID_ARGUMENT'],
  TEXT_INVALID: [400, 'INVALID_ARGUMENT'],
  RATE_LIMITED: [429, 'RESOURCE_EXHAUSTED'],
  DATABASE_UNAVAILABLE: [503, 'UNAVAILABLE'],
};

export interface GoogleError {
  error: { code: number; message: string; status: RpcStatus; details?: unknown[] };
}

/** HTTP status and body for any thrown value; unexpected errors become a bare 500. */
export function toGoogleError(err: unknown): { http: number; body: GoogleError } {
  if (isPortcullisError(err)) {
    const [http, status] = BY_CODE[err.code] ?? [500, 'INTERNAL'];
    const message = http === 500 ? 'Internal error' : err.hint ? `${err.message}. ${err.hint}`.replace(/\.\. /, '. ') : err.message;
    return { http, body: { error: { code: http, message, status, details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: err.code, domain: 'portcullis' }] } } };
  }
  return { http: 500, body: { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } } };
}

export function googleError(http: number, status: RpcStatus, message: string): GoogleError {
  return { error: { code: http, message, status } };
}

const UNAVAILABLE_SOCKET = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'];

/**
 * The error response of a request: connection failures of the database driver (SQLSTATE class
 * 08, 57P, socket errors) become DATABASE_UNAVAILABLE (503); 5xx are logged.
 */
export function errorResponse(c: Context<Env>, err: unknown, logger?: Logger): Response {
  let e = err;
  const code = (err as { code?: unknown })?.code;
  if (!isPortcullisError(err) && typeof code === 'string' && (/^(08|57P)/.test(code) || UNAVAILABLE_SOCKET.includes(code)))
    e = new PortcullisError({ code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable', cause: err });
  const { http, body } = toGoogleError(e);
  if (http >= 500) logger?.error({ err, route: c.get('route') }, 'request failed');
  return c.json(body, http as 500);
}
