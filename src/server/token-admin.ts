/**
 * Token administration with its audit entry, in one transaction: what `server token create|revoke`
 * does, whether the CLI owns the store or asks the running server (routes/admin.ts) to do it.
 */
import type { Kysely, Transaction } from 'kysely';
import { PortcullisError } from '../core/index.js';
import type { Database } from '../store/index.js';
import type { AuditFn } from './context.js';
import { createToken, revokeToken, type TokenInfo } from './tokens.js';

export interface TokenCreateInput {
  projects: readonly string[];
  role: string;
  expiresAt?: Date;
  description?: string;
}

export interface AdminWho {
  actor: string;
  remote?: string;
}

type Db = Kysely<Database>;

/** Who the audit log names for administration by the CLI (directly, or through the admin API). */
export const ADMIN_ACTOR = 'cli';

export function createTokenAudited(db: Db, audit: AuditFn, input: TokenCreateInput, who: AdminWho, now = new Date()): Promise<{ token: string; info: TokenInfo }> {
  return db.transaction().execute(async (trx: Transaction<Database>) => {
    const r = await createToken(trx, {
      projects: input.projects,
      role: input.role,
      now,
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      ...(input.description ? { description: input.description } : {}),
    });
    await audit(trx, {
      actor: who.actor,
      action: 'token.create',
      resource: `tokens/${r.info.id}`,
      outcome: 'ok',
      ...(who.remote ? { remote: who.remote } : {}),
      detail: { role: r.info.role, projects: r.info.projects, expiresAt: r.info.expiresAt },
    });
    return r;
  });
}

export function revokeTokenAudited(db: Db, audit: AuditFn, id: string, who: AdminWho, now = new Date()): Promise<void> {
  return db.transaction().execute(async (trx: Transaction<Database>) => {
    if (!(await revokeToken(trx, id, now)))
      throw new PortcullisError({ code: 'USAGE', message: `No token with id "${id}"`, hint: 'See `portcullis server token list`.' });
    await audit(trx, { actor: who.actor, action: 'token.revoke', resource: `tokens/${id}`, outcome: 'ok', ...(who.remote ? { remote: who.remote } : {}) });
  });
}
