/**
 * Page tokens for keyset pagination: the last row's immutable `seq`, bound to the list it came
 * from (collection, parent, filter) by a digest, in opaque base64url. A token from another list,
 * or altered, is refused (PAGE_TOKEN_INVALID) rather than silently restarting the listing. Rows
 * inserted while a client pages never shift the pages: each page starts after a key, not an offset.
 */
import { createHash } from 'node:crypto';
import { PortcullisError } from '../core/index.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;
/** The largest bigint `seq`: a (forged) token past it must not reach the query. */
const MAX_SEQ = 2n ** 63n - 1n;

function scopeDigest(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 16);
}

function bad(): never {
  throw new PortcullisError({ code: 'PAGE_TOKEN_INVALID', message: 'Invalid pageToken', hint: 'Pass the nextPageToken of the previous response unchanged, with the same filter.' });
}

export function encodePageToken(seq: string, scope: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: seq, d: scopeDigest(scope) })).toString('base64url');
}

/** The `seq` after which the page starts; undefined for the first page. */
export function decodePageToken(token: string | undefined, scope: string): string | undefined {
  if (token === undefined || token === '') return undefined;
  if (token.length > 256 || !/^[A-Za-z0-9_-]+$/.test(token)) bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    bad();
  }
  const p = parsed as { v?: unknown; s?: unknown; d?: unknown };
  if (p?.v !== 1 || typeof p.s !== 'string' || !/^\d{1,19}$/.test(p.s) || BigInt(p.s) > MAX_SEQ || p.d !== scopeDigest(scope)) bad();
  return p.s;
}

/** pageSize: 0 or absent → 20; above 1000 → 1000; negative or not an integer → INVALID_ARGUMENT. */
export function resolvePageSize(size: number | string | undefined): number {
  if (size === undefined || size === '') return DEFAULT_PAGE_SIZE;
  const n = typeof size === 'number' ? size : Number(size);
  if (!Number.isInteger(n) || n < 0) throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid pageSize ${JSON.stringify(size)}`, hint: `A positive integer, at most ${MAX_PAGE_SIZE}.` });
  if (n === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}
