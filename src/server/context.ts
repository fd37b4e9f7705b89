/**
 * What the server's middleware and route groups share: the per-request variables on the Hono
 * context, the services every group is built from, the audit function, and the shape of a route
 * group (app.ts mounts a list of them).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { AuditEntry } from '../core/index.js';
import type { Database } from '../store/index.js';
import type { Principal } from './tokens.js';


export type AuditFn = (
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
) => Promise<unknown>;

/** A refusal for the audit log (middleware/audit-denials.ts appends it). */
export interface Denial {
  actor: string;
  detail: Record<string, unknown>;
}

/** The variables of one request. */
export interface Vars {
  /** Metrics and log label: the route template (`unmatched` until a group names it). */
  route: string;
  /** Who the log line names (`-` until authenticated). */
  actor: string;
  /** The audit action of the request, set by its group before authentication. */
  action: string | undefined;
  /** The audit resource; default: the request path. */
  resource: string | undefined;
  /** Who is asking, once authenticated (middleware/authn.ts). */
  principal: Principal | undefined;
  /** Set when the request is refused: audited after the response is made. */
  denial: Denial | undefined;
}

export type Env = { Variables: Vars };

/** What every route group may use. */
export interface ServerServices {
  db: Kysely<Database>;
  /** The audit log (src/audit appendAudit). */
  audit: AuditFn;
  now: () => Date;
  logger?: Logger;
}

/** One OpenAPI 3.1 fragment: a group's paths and the components they refer to. */
export interface OpenApiPart {
  paths: Record<string, Record<string, unknown>>;
  schemas?: Record<string, unknown>;
  securitySchemes?: Record<string, unknown>;
}

/**
 * A set of routes mounted under one prefix, with its part of /openapi.json. Adding an API
 * (admission, webhooks, registry events, the console) is one more entry in the list app.ts
 * mounts: see `AppOptions.routeGroups`.
 */
export interface RouteGroup {
  /** Short name, for logs and tests. */
  name: string;
  /** Where the group's paths start: `/v1`, `/admin/v1`, or `/` for top-level paths. */
  prefix: string;
  app: Hono<Env>;
  openapi?: OpenApiPart;
}

/** The peer address of the request's socket (Node adapter), if known. */
export function remoteOf(c: Context<Env>): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? undefined;
}
