/**
 * Secret-detection rules (data). What the scanner returns and a scan reports (`SecretMatch`,
 * `SecretFinding`) is shared vocabulary in `core/secret-finding.ts`: no type ever holds a raw secret.
 */
import type { SecretCategory, RatedSeverity } from '../core/index.js';

/** One detection rule. Rules are data; `scanSecrets` is the only code that evaluates them. */
export interface SecretRule {
  /** Stable id, kebab-case (`github-pat`); SARIF rule ids are `secret/<id>`. */
  id: string;
  category: SecretCategory;
  title: string;
  severity: RatedSeverity;
  /**
   * Lower-case literals, any of which must occur in the text before the regex runs; the regex is
   * then only tried at (`anchor`) or around (`window`) each occurrence.
   */
  keywords: readonly string[];
  /**
   * The pattern, with the `g` flag. The secret is the first capture group that participated, or
   * the whole match when there is none. Every quantifier must be bounded.
   */
  regex: RegExp;
  /**
   * `keyword`: every match starts exactly at a keyword occurrence, so the regex is tried once,
   * sticky, at each hit. Otherwise it runs over windows around the hits (see `window`).
   */
  anchor?: 'keyword';
  /** Window mode: characters before / after a keyword occurrence that a match may span. Default 64 / 256. */
  window?: { before: number; after: number };
  /** Minimum Shannon entropy of the secret, in bits per character. */
  minEntropy?: number;
  /** The secret is ignored when it matches one of these. */
  allow?: readonly RegExp[];
  /** The whole match is ignored when it matches one of these (e.g. key names that are not secrets). */
  allowMatch?: readonly RegExp[];
  /** Files whose path matches are not checked with this rule (e.g. documentation for generic rules). */
  skipPaths?: RegExp;
  /** Lower-case literals that must all occur somewhere in the text as well. */
  requireAll?: readonly string[];
}
