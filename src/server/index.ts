/**
 * The HTTP server: composition of middleware and route groups (metadata API, admin), listening and
 * TLS, tokens, logging.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { DEFAULT_MAX_BODY } from './app.js';
export { loadClientIdentities } from './client-certs.js';
export { createLogger } from './logger.js';
export { DEFAULT_RATE_LIMIT } from './rate-limit.js';
export { DEFAULT_LISTEN, parseListen, startServer } from './serve.js';
export { ADMIN_ACTOR, createTokenAudited, revokeTokenAudited } from './token-admin.js';
export { listTokens, parseDuration, ROLES } from './tokens.js';
export type { TokenInfo } from './tokens.js';
