/** What a verification of the audit log can find wrong: in the hash chain, or in the stored content it binds. */
export type AuditProblemKind =
  | 'altered'
  | 'missing'
  | 'inserted'
  | 'broken-link'
  | 'truncated'
  | 'head-mismatch'
  | 'anchor-mismatch'
  /** A row's content differs from the digest its newest audit entry binds. */
  | 'content-altered'
  /** A row exists that no audit entry wrote. */
  | 'content-unaudited'
  /** A row the chain says exists is gone. */
  | 'content-deleted'
  /** A row the chain says was deleted exists again. */
  | 'content-reappeared';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry number the problem is at (for content problems: the newest entry of the resource, 0 if none). */
  n: number;
  message: string;
  /** Content problems: the resource's name, the digest the chain holds and the one stored now. */
  resource?: string;
  expected?: string;
  actual?: string;
}
