/**
 * Configuration rule sets as data (Kubernetes, Dockerfile, image config, compliance frameworks,
 * custom rules) and the scanner that runs them over manifests and image configs.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { evaluateCompliance, frameworkById } from './compliance/evaluate.js';
export type { ComplianceReport } from './compliance/evaluate.js';
export { FRAMEWORKS } from './compliance/frameworks.js';
export type { Framework } from './compliance/frameworks.js';
export { scanConfig } from './config-scan.js';
export type { ConfigScanOptions } from './config-scan.js';
export { loadCustomRules } from './custom/load.js';
export type { CustomRule } from './custom/load.js';
export { scanImageConfig } from './image/evaluate.js';
export { isTrustedImage, parseImageName } from './k8s/hardening/images.js';
export { DEFAULT_MAX_FILE_BYTES, loadManifests, loadManifestText } from './k8s/load.js';
export type { LoadResult, ManifestObject, SourcePosition } from './k8s/load.js';
export type { Policy } from './k8s/namespaces.js';
export { evaluatePod, formatViolation, maxPolicyVersion, resolveVersion } from './k8s/pss/evaluate.js';
export { PSS_LEVELS } from './k8s/pss/types.js';
export type { FieldPath, PssLevel, PssVersion } from './k8s/pss/types.js';
export { formatPssVersion, parsePssVersion, tryParsePssVersion } from './k8s/pss/version.js';
export { podTemplateOf } from './k8s/workloads.js';
export type { PodTemplate } from './k8s/workloads.js';
export { builtRuleSets, RULE_SETS, ruleDefinition, ruleIdsOf } from './rule-sets.js';
export type { ConfigScanResult, ConfigUnknown } from './types.js';
