/**
 * What changed between two versions of an image: packages, vulnerabilities, risky file modes and
 * config (`compare.ts`, pure), and the use case that reads and matches both sides (`run.ts`).
 * The diff's renderers (table, JSON) are in `report/diff.ts`, with every other report's.
 */
export { diffImages, isRegression, type DiffInput } from './compare.js';
export { diffPackages, classifyVersionChange } from './packages.js';
export { diffVulnerabilities } from './vulns.js';
export { diffFiles, isRiskyFileChange, riskyFlagsOf } from './files.js';
export { diffConfig, isSecretLike, REDACTED } from './config.js';
export type * from './types.js';
export { DIFF_KIND, DIFF_SCHEMA_VERSION, PACKAGE_CHANGES, VULN_CHANGES } from './types.js';
export { runDiff, type RunDiffOptions } from './run.js';
