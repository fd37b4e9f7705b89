/**
 * The shared vocabulary, defined once and imported by every module: image references, digests,
 * purls, packages and their types, severities, findings (vulnerability, secret, config, host),
 * decisions, audit entries, the redacted `Secret` string, and errors with stable codes. No IO.
 */
export * from './audit-entry.js';
export * from './config-finding.js';
export * from './errors.js';
export * from './finding.js';
export * from './host-finding.js';
export * from './is-record.js';
export * from './package-types.js';
export * from './secret.js';
export * from './secret-finding.js';
export * from './severity.js';
export * from './types.js';
export * from './vulnerability.js';
export * from './decision.js';
