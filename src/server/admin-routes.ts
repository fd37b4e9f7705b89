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
 * Authorised by the local admin credential only: a secret made at each start and written into
 * the data directory's lock file (0600), so whoever presents it has read the data directory.
 * Failed attempts are audited, at most a few per second per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { readAudit, verifyAudit } from '../audit/log.js';
import { PortcullisError } from '../core/errors.js';
import type { Database } from '../store/schema.js';
import type { AuditFn } from './app.js';
import { googleError, toGoogleError } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { createTokenAudited, revokeTokenAudited, type AdminWho } from './token-admin.js';
import { listTokens } from './tokens.js';

export interface AdminRouteOptions {
  /** SHA-256 (hex) of the local admin credential. */
  tokenHash: string;
}

interface MountOptions extends AdminRouteOptions {
  db: Kysely<Database>;
  audit: AuditFn;
  logger?: Logger;
  now: () => Date;
}

type Env = { Variables: { route: string; actor: string } };

export const ADMIN_ACTOR = 'cli';

function remoteOf(c: Context<Env>): string | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? undefined;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
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

export function mountAdminRoutes(app: Hono<Env>, opts: MountOptions): void {
  const expected = Buffer.from(opts.tokenHash, 'hex');
  const failures = new RateLimiter({ perSecond: 1, burst: 10 });

  /** Undefined when authorised; else the 401 (or 429) response. */
  async function deny(c: Context<Env>, action: string): Promise<Response | undefined> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (m && timingSafeEqual(sha256(m[1]!), expected)) {
      c.set('actor', ADMIN_ACTOR);
      return undefined;
    }
    const remote = remoteOf(c);
    const d = failures.take(remote ?? '');
    if (!d.ok) {
      c.header('Retry-After', String(d.retryAfter));
      return c.json(googleError(429, 'RESOURCE_EXHAUSTED', `Too many failed attempts; retry after ${d.retryAfter} s`), 429);
    }
    await opts.audit(opts.db, { actor: 'anonymous', action, resource: c.req.path, outcome: 'denied', ...(remote ? { remote } : {}), detail: { status: 401, reason: m ? 'admin-credential' : 'missing' } });
    c.header('WWW-Authenticate', 'Bearer realm="portcullis-admin"');
    return c.json(googleError(401, 'UNAUTHENTICATED', 'The admin endpoints need the local admin credential of this server'), 401);
  }

  function handle(route: string, action: string, fn: (c: Context<Env>, who: AdminWho) => Promise<Response>) {
    return async (c: Context<Env>) => {
      c.set('route', route);
      const denied = await deny(c, action);
      if (denied) return denied;
      const remote = remoteOf(c);
      try {
        return await fn(c, { actor: ADMIN_ACTOR, ...(remote ? { remote } : {}) });
      } catch (err) {
        return fail(c, err, opts.logger);
      }
    };
  }

  async function jsonBody(c: Context<Env>): Promise<unknown> {
    const text = await c.req.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw usage('The request body is not valid JSON');
    }
  }

  app.get('/admin/v1/tokens', handle('/admin/v1/tokens', 'token.list', async (c) => c.json({ tokens: await listTokens(opts.db) })));

  app.post(
    '/admin/v1/tokens',
    handle('/admin/v1/tokens', 'token.create', async (c, who) => {
      const input = tokenInput(await jsonBody(c));
      return c.json(await createTokenAudited(opts.db, opts.audit, input, who, opts.now()));
    }),
  );

  app.post(
    '/admin/v1/tokens/:id/revoke',
    handle('/admin/v1/tokens/{id}/revoke', 'token.revoke', async (c, who) => {
      const id = c.req.param('id') ?? '';
      await revokeTokenAudited(opts.db, opts.audit, id, who, opts.now());
      return c.json({ revoked: id });
    }),
  );

  app.get(
    '/admin/v1/audit/verify',
    handle('/admin/v1/audit/verify', 'audit.verify', async (c) => {
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
    '/admin/v1/audit/export',
    handle('/admin/v1/audit/export', 'audit.export', async (c) => {
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
}
