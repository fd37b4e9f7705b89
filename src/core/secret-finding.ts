/**
 * Secret findings as the secret scanner reports them and every report renders them: a rule's
 * match (already redacted) and where it was found. No type here ever holds a raw secret.
 */
import type { RatedSeverity } from './severity.js';

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

/** What the scanner found in one text. */
export interface SecretMatch {
  ruleId: string;
  category: SecretCategory;
  title: string;
  /** Rules declare a rated severity (never `UNKNOWN`), on the scale every finding uses. */
  severity: RatedSeverity;
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
