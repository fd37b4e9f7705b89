/**
 * An audit entry as every writer hands it to the audit log: who did what to which resource, with
 * what outcome, and the rows the write left or deleted (bound by digest in the hash chain). Here,
 * below `metadata/`, `audit/` and `server/`, because all three build or take one.
 */

export type AuditOutcome = 'ok' | 'denied' | 'error';

/** The collections whose rows an entry binds (the metadata API's notes and occurrences). */
export type AuditedCollectionName = 'notes' | 'occurrences';

/** A row a write left (as stored after it) or deleted. */
export interface AuditContentRef {
  collection: AuditedCollectionName;
  row: Record<string, unknown>;
  /** The row was deleted by the write: its digest is of what was deleted. */
  deleted?: boolean;
}

export interface AuditEntry {
  /** Who: a token id, a certificate subject, `anonymous`, `cli`. */
  actor: string;
  /** What: `occurrences.batchCreate`, `notes.delete`, `token.create`, … */
  action: string;
  /** On what: a resource name (`projects/p/occurrences/…`) or path. */
  resource: string;
  outcome: AuditOutcome;
  /** From where: client address. */
  remote?: string;
  detail?: Record<string, unknown>;
  /** The resource rows the write left (as stored after it) or deleted, bound by digest. */
  content?: readonly AuditContentRef[];
}
