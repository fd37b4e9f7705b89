/**
 * Positive bearer-token verifications kept in memory for a short time, so that a busy client
 * costs one database query per token and TTL instead of one per request.
 *
 * Revocation stays immediate. Whoever learns of a revocation calls `invalidate(id)`: this
 * server's admin API after its revoke commits, and on PostgreSQL the LISTEN on the revocation
 * channel (token-revocations.ts) for revocations by other processes. While such notifications
 * cannot arrive (the LISTEN connection is down) the cache is not `live`: every lookup misses and
 * nothing is stored, so a revoked token is never served for longer than the notification delay.
 * Expiry is checked on every hit, against the request's clock.
 *
 * A verification whose query started before an invalidation may have read the token before its
 * revocation: `put` drops it unless no invalidation happened since its `ticket()`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { checkToken, findTokenByHash, hashToken, isTokenShaped, type TokenInfo, type VerifyResult } from './tokens.js';

export interface TokenCacheOptions {
  /** How long a verification is reused; default DEFAULT_TOKEN_CACHE_TTL_MS. */
  ttlMs?: number;
  /** Most tokens kept; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /**
   * Whether invalidations reach this cache now. Default true: this process is the only writer
   * (the embedded store). A PostgreSQL server starts false and follows its LISTEN connection.
   */
  live?: boolean;
  /** Milliseconds clock of the TTL; default performance.now. */
  now?: () => number;
}

export const DEFAULT_TOKEN_CACHE_TTL_MS = 10_000;

export class TokenCache {
  private readonly entries = new Map<string, { info: TokenInfo; at: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private generation = 0;
  private isLive: boolean;

  constructor(opts: TokenCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? (() => performance.now());
    this.isLive = opts.live ?? true;
  }

  get live(): boolean {
    return this.isLive;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The stored token of `hash` while fresh; undefined when absent, stale or not live. */
  get(hash: string): TokenInfo | undefined {
    if (!this.isLive) return undefined;
    const e = this.entries.get(hash);
    if (!e) return undefined;
    this.entries.delete(hash);
    if (this.now() - e.at >= this.ttlMs) return undefined;
    this.entries.set(hash, e);
    return e.info;
  }

  /** Taken before the database is asked; `put` honours only tickets no invalidation followed. */
  ticket(): number {
    return this.generation;
  }

  /** Remembers a usable token read after `ticket`. */
  put(hash: string, info: TokenInfo, ticket: number): void {
    if (!this.isLive || ticket !== this.generation) return;
    this.entries.delete(hash);
    this.entries.set(hash, { info, at: this.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets the token `id` (revoked), and any verification of it still in flight. */
  invalidate(id: string): void {
    this.generation++;
    for (const [hash, e] of this.entries) if (e.info.id === id) this.entries.delete(hash);
  }

  /** Whether invalidations arrive from now on; either way, what was cached is forgotten. */
  setLive(live: boolean): void {
    this.generation++;
    this.entries.clear();
    this.isLive = live;
  }
}

/** verifyToken, answered from `cache` when it holds the token (expiry still checked at `now`). */
export async function verifyTokenCached(
  db: Kysely<Database>,
  token: string,
  opts: { now: Date; cache?: TokenCache },
): Promise<VerifyResult> {
  if (!isTokenShaped(token)) return { ok: false, reason: 'malformed' };
  const hash = hashToken(token);
  const { cache } = opts;
  const hit = cache?.get(hash);
  if (hit) return checkToken(hit, opts.now);
  const ticket = cache?.ticket() ?? 0;
  const info = await findTokenByHash(db, hash);
  if (!info) return { ok: false, reason: 'unknown' };
  const v = checkToken(info, opts.now);
  if (v.ok) cache?.put(hash, info, ticket);
  return v;
}
