/**
 * Secret-detection types: rules (data), what the scanner returns for one text, and the finding a
 * scan reports (a match plus where it was found). Every string that leaves the scanner is already
 * redacted: no type here ever holds a raw secret.
 */

/** Same names and order as vulnerability severities, so one `--severity` list filters both. */
export const SECRET_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SecretSeverity = (typeof SECRET_SEVERITIES)[number];

export const SECRET_CATEGORIES = [
  'PrivateKey',
  'AWS',
  'GCP',
  'Azure',
  'GitHub',
  'GitLab',
  'Slack',
  'Stripe',
  'Twilio',
  'SendGrid',
  'npm',
  'PyPI',
  'DockerHub',
  'Google',
  'OpenAI',
  'JWT',
  'Shopify',
  'Mailgun',
  'Heroku',
  'HashiCorp',
  'Password',
  'Generic',
] as const;
export type SecretCategory = (typeof SECRET_CATEGORIES)[number];

/** One detection rule. Rules are data; `scanSecrets` is the only code that evaluates them. */
export interface SecretRule {
  /** Stable id, kebab-case (`github-pat`); SARIF rule ids are `secret/<id>`. */
  id: string;
  category: SecretCategory;
  title: string;
  severity: SecretSeverity;
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

/** What the scanner found in one text. */
export interface SecretMatch {
  ruleId: string;
  category: SecretCategory;
  title: string;
  severity: SecretSeverity;
  /** 1-based line of the start of the match. */
  line: number;
  /** The matched text with the secret masked (`ghp_*****`); whitespace collapsed, at most 160 characters. */
  match: string;
}

/** Where a secret finding lives: a file in a layer, or the image config's environment, labels or history. */
export type SecretSource = 'file' | 'config-env' | 'config-label' | 'config-history';

/** A secret as a scan reports it. */
export interface SecretFinding extends SecretMatch {
  source: SecretSource;
  /**
   * `file`: absolute path in the image (`/root/.ssh/id_rsa`); `config-env`: `config:env/NAME`;
   * `config-label`: `config:label/NAME`; `config-history`: `config:history/N` (N indexes the full
   * config history, empty layers included).
   */
  path: string;
  /** The layer that holds the file (or that the history entry created); absent for a directory scan. */
  layer?: { index: number; diffId: string; digest?: string };
}

/** A file the secret scanner wanted but did not read (over the size cap, unreadable entry type). */
export interface SecretSkippedFile {
  path: string;
  layerDiffId?: string;
  reason: string;
}
