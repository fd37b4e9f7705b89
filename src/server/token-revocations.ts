/**
 * Keeps a TokenCache in step with revocations made by other processes. On PostgreSQL, revokeToken
 * sends NOTIFY on TOKEN_REVOKED_CHANNEL in its transaction; this LISTENs for it and forgets the
 * token. The cache is live only while the LISTEN is in place (missed notifications cannot be
 * told apart from none). On the embedded store only the owning server writes, and it invalidates
 * the cache itself: nothing to follow.
 */
import type { Logger } from 'pino';
import type { Listener, Store } from '../store/index.js';
import type { TokenCache } from './token-cache.js';
import { TOKEN_REVOKED_CHANNEL } from './tokens.js';

/** Follows revocations into `cache`; undefined when the store has no other writers to follow. */
export function followRevocations(
  store: Pick<Store, 'listen'>,
  cache: TokenCache,
  logger?: Logger,
): Listener | undefined {
  if (!store.listen) return undefined;
  cache.setLive(false);
  return store.listen(TOKEN_REVOKED_CHANNEL, {
    onNotify: (id) => cache.invalidate(id),
    onUp: () => {
      cache.setLive(true);
      logger?.debug({}, 'token revocations: listening');
    },
    onDown: (err) => {
      cache.setLive(false);
      logger?.warn({ err }, 'token revocations: LISTEN connection lost; verifying every request until it is back');
    },
  });
}
