/**
 * The append-only, hash-chained audit log, bound to the stored content it records: append, read,
 * link and verify.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { AuditLinker } from './linker.js';
export { appendAudit, pendingAuditCtes, readAudit, verifyAudit } from './log.js';
export type { AuditVerifyResult } from './log.js';
