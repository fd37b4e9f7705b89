/**
 * The policy engine's public surface: load policies, evaluate an object under review against them
 * with evidence from a provider, explain the decision.
 */
export { BREAKGLASS_ANNOTATION, NO_MATCH_ACTIONS, POLICY_API_VERSION, POLICY_KINDS, type NoMatchAction, type PolicyDocument, type PolicyKind } from './schema.js';
export { DIAGNOSTIC_RULES, formatDiagnostic, hasErrors, type Diagnostic, type DiagnosticRule } from './diagnostics.js';
export { parsePolicyFiles, parsePolicyText, type ParsedPolicy, type ParseResult } from './parse.js';
export { lintPolicies } from './lint.js';
export { compilePolicies, DEFAULT_NO_MATCH, type Authority, type CompileOptions, type ImagePolicy, type Policy, type PolicySet, type WorkloadPolicy } from './compile.js';
export { lintPolicyFiles, loadPolicies, loadPolicyText, PolicyInvalidError, type LoadedPolicies, type LoadPoliciesOptions } from './load.js';
export { evaluate, type EvaluateOptions, type Review } from './evaluate.js';
export { offlineEvidence, staticEvidence, type Evidence, type EvidenceProvider, type ImageAtDigest, type ImageName, type SignedArtifacts, type StaticEvidenceData, type VulnerabilityFinding, type VulnerabilityReport } from './evidence.js';
export { cachedEvidence, type CachedEvidenceOptions, type CachedEvidenceProvider } from './cached.js';
export { imagesOf, normaliseImage, type ObjectImage } from './images.js';
export { AUDIT_ANNOTATION_KEY, MAX_WARNING_LENGTH, shortWarning } from './annotations.js';
export { denialMessage } from './explain.js';
export { podOf } from './images.js';
