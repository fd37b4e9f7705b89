/** The hash of one audit entry, over the canonical JSON of its fields. */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  n: number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  remote?: string;
  detail?: Record<string, unknown>;
  prevHash: string;
  entryId?: number;
  contentHash?: string | null;
}

/**
 * SHA-256 over the canonical JSON of every field but the hash itself. Entries from before content
 * binding (no entry id) hash as they always did.
 */
export function hashEntry(r: HashedFields): string {
  const body: Record<string, unknown> = { n: r.n, at: r.at, actor: r.actor, action: r.action, resource: r.resource, outcome: r.outcome, remote: r.remote ?? null, detail: r.detail ?? null, prevHash: r.prevHash };
  if (r.entryId !== undefined) {
    body.entryId = r.entryId;
    body.contentHash = r.contentHash ?? null;
  }
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
