/**
 * The verdict of the policy engine on one object under review (a Pod or any workload): allowed or
 * not, one result per rule and image, the warnings to show, the JSONPatch that pins images to the
 * digests that were verified, and the audit annotations. Every admission edge (the `policy test`
 * CLI, the admission webhook) renders this one shape.
 */

/** How a policy acts on a failed rule (as Pod Security Admission's three modes). */
export const POLICY_MODES = ['enforce', 'warn', 'audit'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/**
 * What one rule said: `pass`; `fail` (the evidence says no); `error` (the evidence could not be
 * obtained or read — never a pass, in any mode); `exempt` (an exemption covers it);
 * `breakglass` (failed, but admitted by the breakglass annotation); `skip` (nothing to check).
 */
export const RULE_OUTCOMES = ['pass', 'fail', 'error', 'exempt', 'breakglass', 'skip'] as const;
export type RuleOutcome = (typeof RULE_OUTCOMES)[number];

/** One piece of evidence a rule looked at. */
export interface DecisionEvidence {
  /** `digest`, `signature`, `attestation`, `occurrence`, `advisory`, `scan`, `pss`, `registry`, `exemption`, `allowlist`. */
  kind: string;
  /** Its identity: a digest, an occurrence name, an advisory id, a check id. */
  id: string;
  /** What it said, one line. */
  detail?: string;
}

export interface RuleResult {
  /** `ClusterImagePolicy/signed-by-ci`, `WorkloadPolicy/team-a/restricted`, or `noMatch`. */
  policy: string;
  /** The rule: `signatures`, `vulnerabilities`, `podSecurity/runAsNonRoot`, … */
  rule: string;
  mode: PolicyMode;
  outcome: RuleOutcome;
  /** One line: what was found. */
  message: string;
  /** A stable code for `fail`/`error` (`SIGNATURE_MISSING`, `REGISTRY_ERROR`, `VULNERABILITY_SEVERITY`, …). */
  code?: string;
  /** The normalised image reference the rule was about (image rules). */
  image?: string;
  digest?: string;
  container?: string;
  /** JSON pointer of the image field in the object (`/spec/template/spec/containers/0/image`). */
  pointer?: string;
  evidence: DecisionEvidence[];
  /** What would make it pass: commands (`portcullis sign …`) or a policy change (an allowlist entry). */
  fix: string[];
}

/** RFC 6902 operations the engine emits. */
export interface JsonPatchOperation {
  op: 'replace' | 'add' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

/** One container image of the object. */
export interface ReviewedImage {
  container: string;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  field: string;
  pointer: string;
  /** As written in the object. */
  raw: string;
  /** Normalised (`docker.io/library/nginx:1.27`). */
  reference: string;
  /** The digest it resolved to, when known. */
  digest?: string;
}

export interface Decision {
  allowed: boolean;
  object: { apiVersion: string; kind: string; namespace: string; name: string };
  images: ReviewedImage[];
  results: RuleResult[];
  /** Short warnings (≤ 120 characters, one line each), as the API server accepts them. */
  warnings: string[];
  /** Empty when nothing is mutated. */
  patches: JsonPatchOperation[];
  /** Keys without `/`, ≤ 63 characters, `[A-Za-z0-9][-A-Za-z0-9_.]*`. */
  auditAnnotations: Record<string, string>;
  /** The `noMatch` setting in force and where it came from. */
  noMatch: { action: 'allow' | 'warn' | 'deny'; source: string; images: string[] };
  /** Set when the breakglass annotation admitted something that failed. */
  breakglass?: { reason: string; policies: string[] };
  /** When the decision was made (ISO 8601). */
  evaluatedAt: string;
}
