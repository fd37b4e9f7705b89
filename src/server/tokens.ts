/**
 * Bearer tokens of the metadata server. A token is `pcs_<id>_<secret>`; only its SHA-256 is
 * stored, next to its projects (a list, or `*`), role and expiry. `id` is public (it names the
 * token in `token list`, the audit log and the logs); the secret is shown once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { PortcullisError } from '../core/index.js';
import type { Database } from '../store/index.js';

export const ROLES = ['viewer', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** viewer: read; writer: read and write notes and occurrences; admin: also /metrics and administration. */
const RANK: Record<Role, number> = { viewer: 1, writer: 2, admin: 3 };

export interface Principal {
  /** The token id, `anonymous`, or `cert:SUBJECT` for a client certificate. */
  id: string;
  /** Who the audit log names, when not `token:ID` (client certificates: `cert:SUBJECT`). */
  actor?: string;
  role: Role;
  projects: '*' | readonly string[];
}

export interface TokenInfo {
  id: string;
  role: Role;
  projects: '*' | string[];
  description: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export type VerifyResult =
  { ok: true; principal: Principal } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };

/**
 * The channel a revocation is announced on: `revokeToken` sends NOTIFY (payload: the token id) in
 * the revoking transaction, so servers caching verifications drop the token when it commits.
 */
export const TOKEN_REVOKED_CHANNEL = 'portcullis_token_revoked';

const TOKEN = /^pcs_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** Whether the principal holds at least `role` on `project`. */
export function allows(p: Principal, project: string, role: Role): boolean {
  return RANK[p.role] >= RANK[role] && (p.projects === '*' || p.projects.includes(project));
}

/** Parses `30d`, `12h`, `90m`, `3600s`, `2w` into milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)([smhdw])$/.exec(s.trim());
  if (!m || Number(m[1]) === 0)
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid duration "${s}"`,
      hint: 'A positive number and a unit: s, m, h, d or w (e.g. 30d).',
    });
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit * 1000;
}

function normalizeProjects(projects: readonly string[]): '*' | string[] {
  const list = [
    ...new Set(
      projects
        .flatMap((p) => p.split(','))
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  if (list.length === 0)
    throw new PortcullisError({
      code: 'USAGE',
      message: 'A token needs at least one project (or "*")',
      hint: 'Pass --project P (repeatable), or --project "*" for all projects.',
    });
  if (list.includes('*')) return '*';
  for (const p of list)
    if (!/^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/.test(p))
      throw new PortcullisError({ code: 'USAGE', message: `Invalid project "${p}"` });
  return list.sort();
}

export interface CreateTokenOptions {
  projects: readonly string[];
  role: string;
  /** Expiry; undefined: never. */
  expiresAt?: Date;
  description?: string;
  now?: Date;
}

export async function createToken(
  db: Kysely<Database>,
  opts: CreateTokenOptions,
): Promise<{ token: string; info: TokenInfo }> {
  if (!isRole(opts.role))
    throw new PortcullisError({
      code: 'USAGE',
      message: `Unknown role "${opts.role}"`,
      hint: `Roles: ${ROLES.join(', ')}.`,
    });
  const projects = normalizeProjects(opts.projects);
  const id = randomBytes(6).toString('hex');
  const token = `pcs_${id}_${randomBytes(32).toString('base64url')}`;
  const now = opts.now ?? new Date();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      hash: hashToken(token),
      projects: JSON.stringify(projects),
      role: opts.role,
      description: opts.description ?? null,
      created_at: now,
      expires_at: opts.expiresAt ?? null,
      revoked_at: null,
    })
    .execute();
  return {
    token,
    info: {
      id,
      role: opts.role,
      projects,
      description: opts.description ?? null,
      createdAt: now.toISOString(),
      expiresAt: opts.expiresAt?.toISOString() ?? null,
      revokedAt: null,
    },
  };
}

function toInfo(r: {
  id: string;
  role: string;
  projects: unknown;
  description: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}): TokenInfo {
  const projects = (
    r.projects === '*' || Array.isArray(r.projects) ? r.projects : JSON.parse(String(r.projects))
  ) as '*' | string[];
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    role: r.role as Role,
    projects,
    description: r.description,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
  };
}

export async function listTokens(db: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'role', 'projects', 'description', 'created_at', 'expires_at', 'revoked_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toInfo);
}

/** Revokes a token by id; false when there is no such token. */
export async function revokeToken(
  db: Kysely<Database>,
  id: string,
  now: Date = new Date(),
): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (r) {
    await sql`select pg_notify(${TOKEN_REVOKED_CHANNEL}, ${id})`.execute(db);
    return true;
  }
  return !!(await db.selectFrom('api_tokens').select('id').where('id', '=', id).executeTakeFirst());
}

/** Whether `token` has the shape of a token (`pcs_<id>_<secret>`). */
export function isTokenShaped(token: string): boolean {
  return TOKEN.test(token);
}

/** The stored token with this SHA-256 (hashToken), if any. */
export async function findTokenByHash(db: Kysely<Database>, hash: string): Promise<TokenInfo | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .select(['id', 'role', 'projects', 'description', 'created_at', 'expires_at', 'revoked_at'])
    .where('hash', '=', hash)
    .executeTakeFirst();
  return r ? toInfo(r) : undefined;
}

/** Whether a stored token is usable at `now` (pure: revocation, then expiry). */
export function checkToken(info: TokenInfo, now: Date): VerifyResult {
  if (info.revokedAt) return { ok: false, reason: 'revoked' };
  if (info.expiresAt && Date.parse(info.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, principal: { id: info.id, role: info.role, projects: info.projects } };
}

export async function verifyToken(
  db: Kysely<Database>,
  token: string,
  now: Date = new Date(),
): Promise<VerifyResult> {
  if (!isTokenShaped(token)) return { ok: false, reason: 'malformed' };
  const info = await findTokenByHash(db, hashToken(token));
  return info ? checkToken(info, now) : { ok: false, reason: 'unknown' };
}

/** The token id in a presented token, for logs of failed attempts (never the secret). */
export function tokenIdOf(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}
