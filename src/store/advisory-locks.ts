/**
 * PostgreSQL advisory-lock keys, in one table so no two users pick the same number by chance.
 * Fixed values: every process (CLI, server replicas, workers) on one database must agree on
 * them, so a key never changes once released. New keys take the next free number.
 */
export const ADVISORY_LOCKS = {
  /** Session lock around the migration runner: one process migrates, the others wait. */
  migrations: 727274,
  /** Transaction lock around appending to the audit hash chain. */
  auditChain: 727275,
  /**
   * First key of the transaction lock that serialises `occurrences:replaceScan` of one resource
   * (the second key is a hash of project, location, notes project and resource URI).
   */
  replaceScan: 727276,
} as const;

export type AdvisoryLockName = keyof typeof ADVISORY_LOCKS;
