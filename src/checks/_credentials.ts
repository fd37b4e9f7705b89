/**
 * What "looks like a credential" means for the configuration rules (env vars, ConfigMap keys,
 * Dockerfile ENV/ARG, image env and history): names and values. Kept in one place so every rule
 * set agrees; the secret scanner (`src/secrets/`) has its own, more precise, content rules.
 */

/** Names such as `DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`, `client-secret`, `AWS_SECRET_ACCESS_KEY`. */
const CREDENTIAL_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credentials?|auth[-_.]?key)$|^(pass(word)?|secret|token|api[-_.]?key)|(^|[-_.])(password|passwd|secret|token|apikey|api[-_.]key)([-_.]|$)/i;

/** Names that contain a credential word but name something that is not one. */
const NOT_CREDENTIAL = /(^|[-_.])(file|path|dir|ref|name|url|uri|endpoint|length|len|type|id|expiry|ttl|timeout|header|policy|enabled?|required|min|max|count)$|_(file|path)_|secretkeyref|token_?(url|endpoint|uri)/i;

export function isCredentialName(name: string): boolean {
  const n = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  return CREDENTIAL_NAME.test(n) && !NOT_CREDENTIAL.test(n);
}

/** Empty, templated or obviously placeholder values are not literal secrets. */
export function isLiteralSecretValue(value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const v = String(value).trim();
  if (v.length < 3) return false;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^\$\(.*\)$/.test(v) || /\{\{.*\}\}/.test(v)) return false;
  if (/^(changeme|change[-_]me|xxx+|\*+|<[^>]*>|none|null|nil|false|true|redacted|example|placeholder|todo|tbd|-+)$/i.test(v)) return false;
  return true;
}

const PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;
/** Well-known token formats, enough to tell a ConfigMap value holds a credential. */
const TOKEN_VALUE = /\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{35})\b/;
/** `password = hunter2`, `token: abc…` inside a configuration file held in a value. */
const ASSIGNMENT = /(^|[\s{,;"'])((?:[A-Za-z0-9_.-]*[-_.])?(password|passwd|secret|token|api[-_]?key))["']?\s*[:=]\s*["']?([^\s"',;}]+)/im;

export function looksLikePrivateKey(value: string): boolean {
  return PRIVATE_KEY.test(value);
}

/** Why a value looks like it holds a credential, or undefined. */
export function credentialInValue(value: string): string | undefined {
  if (PRIVATE_KEY.test(value)) return 'a private key';
  if (TOKEN_VALUE.test(value)) return 'an access token';
  const m = ASSIGNMENT.exec(value);
  if (m && isCredentialName(m[2]!) && isLiteralSecretValue(m[4])) return `a "${m[2]}" assignment`;
  return undefined;
}
