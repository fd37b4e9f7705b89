/**
 * Renderers for every report kind from one table (table, JSON, SARIF, JUnit, CycloneDX, SPDX, …)
 * and the exit-code rules.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { ANSI } from './ansi.js';
export { exitStatusFor, parseExitCode } from './exit-code.js';
export { formatIdsOf, hasFormat, renderReport, SBOM_FORMATS } from './formats.js';
export { renderDecisionExplain, renderPolicyJson, renderPolicySarif, renderPolicyTable } from './policy.js';
export type { PolicyTestReport, TestedObject } from './policy.js';
export { renderVulnJson } from './vulns.js';
export { renderRecheckJson, renderRecheckTable } from './recheck.js';
export { humanBytes } from './text.js';
