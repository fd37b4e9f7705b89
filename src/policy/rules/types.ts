/** The shape of an image rule: one file per rule under `rules/`, listed in `rules/registry.ts`. */
import type { DecisionEvidence, JsonPatchOperation, RuleOutcome } from '../../core/index.js';
import type { ImagePolicy } from '../compile.js';
import type { Evidence, EvidenceProvider, ImageName } from '../evidence.js';
import type { ObjectImage } from '../images.js';

/** What a rule reports before the engine applies the policy's mode, exemptions and breakglass. */
export interface RuleDraft {
  rule: string;
  outcome: Extract<RuleOutcome, 'pass' | 'fail' | 'error' | 'skip'>;
  message: string;
  code?: string;
  evidence: DecisionEvidence[];
  fix: string[];
  /** Digest mutation: the patch to apply when the policy admits the image. */
  patch?: JsonPatchOperation;
  /** A warning even when passing (implicit Docker Hub). */
  warning?: string;
}

export interface ImageRuleContext {
  policy: ImagePolicy;
  image: ObjectImage & { name: ImageName };
  /** The digest the image runs: pinned, or resolved from its tag (lazily, once per image). */
  digest(): Promise<Evidence<string>>;
  evidence: EvidenceProvider;
  now: Date;
}

export interface ImageRule {
  id: string;
  /** Whether the policy configures this rule. */
  applies(policy: ImagePolicy): boolean;
  evaluate(ctx: ImageRuleContext): Promise<RuleDraft[]>;
}

/** `docker://registry/repo@sha256:…`: what commands that fix things take. */
export function pinned(image: ImageName, digest: string): string {
  return `docker://${image.registry}/${image.repository}@${digest}`;
}

/** An error draft for evidence that could not be obtained. */
export function evidenceError(rule: string, e: { code: string; message: string }, fix: string[] = []): RuleDraft {
  return { rule, outcome: 'error', code: e.code, message: e.message, evidence: [], fix };
}
