/**
 * Local administration through the running server, for the CLI of another process on the same
 * embedded data directory (which the server owns, so that process may not open it):
 *
 *   GET  /admin/v1/tokens               token list
 *   POST /admin/v1/tokens               token create  {projects, role, expiresAt?, description?}
 *   POST /admin/v1/tokens/{id}/revoke   token revoke
 *   GET  /admin/v1/audit/verify?anchor= audit verify
 *   GET  /admin/v1/audit/export?since=  audit export (JSON lines, streamed)
 *
 * Authorised by the local admin credential only (../middleware/admin-credential.ts). A revoke
 * clears the token from this server's verification cache once it commits (`onTokenRevoked`).
 */
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { readAudit, verifyAudit } from '../../audit/index.js';
import { PortcullisError } from '../../core/index.js';
import { remoteOf, type Env, type OpenApiPart, type RouteGroup, type ServerServices } from '../context.js';
import { toGoogleError } from '../errors.js';
import { adminCredential } from '../middleware/admin-credential.js';
import { ADMIN_ACTOR, createTokenAudited, revokeTokenAudited, type AdminWho } from '../token-admin.js';
import { listTokens } from '../tokens.js';

export interface AdminRouteOptions {
  /** SHA-256 (hex) of the local admin credential. */
  tokenHash: string;
}

export interface AdminOptions extends AdminRouteOptions, ServerServices {
  /** Called once a revoke committed (e.g. to clear the token verification cache). */
  onTokenRevoked?: (id: string) => void;
}

function fail(c: Context<Env>, err: unknown, logger?: Logger): Response {
  const { http, body } = toGoogleError(err);
  if (http >= 500) logger?.error({ err, route: c.get('route') }, 'admin request failed');
  return c.json(body, http as 400);
}

function usage(message: string, hint?: string): PortcullisError {
  return new PortcullisError({ code: 'USAGE', message, ...(hint ? { hint } : {}) });
}

/** The body of `POST /admin/v1/tokens`, checked. */
function tokenInput(v: unknown): { projects: string[]; role: string; expiresAt?: Date; description?: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw usage('The request body must be a JSON object');
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.projects) || !o.projects.every((p) => typeof p === 'string')) throw usage('"projects" must be a list of strings');
  if (typeof o.role !== 'string') throw usage('"role" must be a string');
  let expiresAt: Date | undefined;
  if (o.expiresAt !== undefined && o.expiresAt !== null) {
    expiresAt = typeof o.expiresAt === 'string' ? new Date(o.expiresAt) : new Date(NaN);
    if (Number.isNaN(expiresAt.getTime())) throw usage('"expiresAt" must be an RFC 3339 time');
  }
  if (o.description !== undefined && o.description !== null && typeof o.description !== 'string') throw usage('"description" must be a string');
  return {
    projects: o.projects as string[],
    role: o.role,
    ...(expiresAt ? { expiresAt } : {}),
    ...(typeof o.description === 'string' && o.description ? { description: o.description } : {}),
  };
}

const ADMIN_SECURITY = [{ localAdmin: [] }];
const status = { $ref: '#/components/schemas/Status' };
const adminErrors = {
  400: { description: 'INVALID_ARGUMENT', content: { 'application/json': { schema: status } } },
  401: { description: 'UNAUTHENTICATED: not the local admin credential', content: { 'application/json': { schema: status } } },
  429: { description: 'RESOURCE_EXHAUSTED: too many failed attempts', content: { 'application/json': { schema: status } } },
};
const TOKEN_INFO = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['viewer', 'writer', 'admin'] },
    projects: { oneOf: [{ type: 'string', const: '*' }, { type: 'array', items: { type: 'string' } }] },
    description: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

const OPENAPI: OpenApiPart = {
  paths: {
    '/admin/v1/tokens': {
      get: {
        operationId: 'AdminListTokens',
        summary: 'Lists API tokens (never their secrets).',
        security: ADMIN_SECURITY,
        responses: { 200: { description: 'OK', ...json({ type: 'object', properties: { tokens: { type: 'array', items: { $ref: '#/components/schemas/TokenInfo' } } } }) }, ...adminErrors },
      },
      post: {
        operationId: 'AdminCreateToken',
        summary: 'Creates an API token; the response holds its secret, shown only this once.',
        security: ADMIN_SECURITY,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['projects', 'role'],
            properties: {
              projects: { type: 'array', items: { type: 'string' }, description: 'Projects, or ["*"] for all' },
              role: { type: 'string', enum: ['viewer', 'writer', 'admin'] },
              expiresAt: { type: 'string', format: 'date-time' },
              description: { type: 'string' },
            },
          }),
        },
        responses: { 200: { description: 'OK', ...json({ type: 'object', properties: { token: { type: 'string' }, info: { $ref: '#/components/schemas/TokenInfo' } } }) }, ...adminErrors },
      },
    },
    '/admin/v1/tokens/{id}/revoke': {
      post: {
        operationId: 'AdminRevokeToken',
        summary: 'Revokes an API token; refused from the next request on.',
        security: ADMIN_SECURITY,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'OK', ...json({ type: 'object', properties: { revoked: { type: 'string' } } }) }, ...adminErrors },
      },
    },
    '/admin/v1/audit/verify': {
      get: {
        operationId: 'AdminVerifyAudit',
        summary: 'Verifies the audit hash chain, optionally against an anchor N:HASH.',
        security: ADMIN_SECURITY,
        parameters: [{ name: 'anchor', in: 'query', schema: { type: 'string', pattern: '^\\d+:[0-9a-f]{64}$' } }],
        responses: { 200: { description: 'The verification result', ...json({ type: 'object' }) }, ...adminErrors },
      },
    },
    '/admin/v1/audit/export': {
      get: {
        operationId: 'AdminExportAudit',
        summary: 'Exports audit entries after entry number `since`, as JSON lines.',
        security: ADMIN_SECURITY,
        parameters: [{ name: 'since', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } }],
        responses: { 200: { description: 'One audit entry per line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } }, ...adminErrors },
      },
    },
  },
  schemas: { TokenInfo: TOKEN_INFO },
  securitySchemes: { localAdmin: { type: 'http', scheme: 'bearer', description: 'The local admin credential of this server (in the data directory lock file)' } },
};

export function adminRoutes(opts: AdminOptions): RouteGroup {
  const app = new Hono<Env>();
  const credential = adminCredential(opts.tokenHash);

  function handle(route: string, action: string, fn: (c: Context<Env>, who: AdminWho) => Promise<Response>) {
    return [
      async (c: Context<Env>, next: () => Promise<void>) => {
        c.set('route', route);
        c.set('action', action);
        await next();
      },
      credential,
      async (c: Context<Env>) => {
        const remote = remoteOf(c);
        try {
          return await fn(c, { actor: ADMIN_ACTOR, ...(remote ? { remote } : {}) });
        } catch (err) {
          return fail(c, err, opts.logger);
        }
      },
    ] as const;
  }

  async function jsonBody(c: Context<Env>): Promise<unknown> {
    const text = await c.req.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw usage('The request body is not valid JSON');
    }
  }

  app.get('/tokens', ...handle('/admin/v1/tokens', 'token.list', async (c) => c.json({ tokens: await listTokens(opts.db) })));

  app.post(
    '/tokens',
    ...handle('/admin/v1/tokens', 'token.create', async (c, who) => {
      const input = tokenInput(await jsonBody(c));
      return c.json(await createTokenAudited(opts.db, opts.audit, input, who, opts.now()));
    }),
  );

  app.post(
    '/tokens/:id/revoke',
    ...handle('/admin/v1/tokens/{id}/revoke', 'token.revoke', async (c, who) => {
      const id = c.req.param('id') ?? '';
      await revokeTokenAudited(opts.db, opts.audit, id, who, opts.now());
      opts.onTokenRevoked?.(id);
      return c.json({ revoked: id });
    }),
  );

  app.get(
    '/audit/verify',
    ...handle('/admin/v1/audit/verify', 'audit.verify', async (c) => {
      const a = c.req.query('anchor');
      let anchor: { n: number; hash: string } | undefined;
      if (a !== undefined) {
        const m = /^(\d+):([0-9a-f]{64})$/.exec(a);
        if (!m) throw usage(`Invalid anchor "${a}"`, 'N:HASH, the entry number and its 64-hex SHA-256.');
        anchor = { n: Number(m[1]), hash: m[2]! };
      }
      return c.json(await verifyAudit(opts.db, anchor ? { anchor } : {}));
    }),
  );

  app.get(
    '/audit/export',
    ...handle('/admin/v1/audit/export', 'audit.export', async (c) => {
      const s = c.req.query('since') ?? '0';
      const since = /^\d{1,15}$/.test(s) ? Number(s) : NaN;
      if (!Number.isSafeInteger(since)) throw usage(`Invalid since "${s}"`, 'An entry number, 0 for all.');
      const rows = readAudit(opts.db, { since });
      const enc = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          try {
            const { value, done } = await rows.next();
            if (done) ctl.close();
            else ctl.enqueue(enc.encode(`${JSON.stringify(value)}\n`));
          } catch (err) {
            opts.logger?.error({ err }, 'audit export failed');
            ctl.error(err);
          }
        },
        async cancel() {
          await rows.return(undefined);
        },
      });
      return c.body(stream, 200, { 'content-type': 'application/x-ndjson' });
    }),
  );
  return { name: 'admin', prefix: '/admin/v1', app, openapi: OPENAPI };
}
