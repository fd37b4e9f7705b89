/**
 * Every secret rule, in one table. Order matters: when two matches overlap, the rule listed first
 * is kept, so specific formats come before the generic `URL password` and `key = value` rules.
 *
 * Conventions: keywords are lower-case literals (with `anchor: 'keyword'`, each match begins at
 * one); regexes have the `g` flag and only bounded
 * quantifiers (a `*` or `+` here would let a long line backtrack); a token's edges are asserted
 * with look-arounds on its alphabet so that a longer string containing a token-shaped part does
 * not match. Token formats are the providers' published prefixes and lengths.
 */
import type { SecretRule } from './types.js';

/**
 * Where generic rules do not look (specific token formats still do): documentation formats, full
 * of example configurations, and the distribution's language standard libraries (CPython, Ruby,
 * Perl), whose docstrings show `passwd='…'` examples; installed third-party packages
 * (`site-packages`, `dist-packages`, gems) are still scanned.
 */
const GENERIC_SKIP =
  /\.(?:md|markdown|rst|adoc)$|^usr\/(?:local\/)?lib\/python\d(?:\.\d{1,3})?\/(?!site-packages\/|dist-packages\/)|^usr\/(?:local\/)?lib\/ruby\/\d[\d.]{0,10}\/|^usr\/share\/perl\d?\/|^usr\/lib\/[^/]{1,64}\/perl(?:5|-base)?\//i;

/** `key = value` operators across .env, shell, YAML, JSON, TOML, Ruby and Go. */
const OP = String.raw`["']?\s{0,5}(?::=|=>|:|=)\s{0,5}`;

/**
 * A `<name containing one of keys> <op> <value>` assignment, the value optionally quoted, as the
 * `secret` group. The match starts at the key word (no leading name part to backtrack over);
 * the value is taken atomically (`(?=(…))\k<…>`), so a value followed by `(` (a call) or `[`
 * fails at once instead of retrying every shorter length.
 */
function assignment(keys: string, min: number, max: number): RegExp {
  return new RegExp(String.raw`(?:${keys})[A-Za-z0-9_.-]{0,20}?${OP}(["'\x60]?)(?=(?<secret>[^\s"'\x60;,<>(){}\[\]\\]{${min},${max}}))\k<secret>\1(?![^\s"'\x60;,)\]}])`, 'gi');
}

/** Values of generic assignments that name or describe a secret instead of holding one. */
const GENERIC_VALUE_ALLOW: readonly RegExp[] = [
  /secret|passw(?:or)?d|token|api[_-]?key|change[_-]?me|placeholder|dummy|redacted|your[_-]|replace[_-]?me|insert[_-]|fake|sample|todo|default/i,
  // file paths and URLs (`password_file=/run/secrets/db`)
  /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:|https?:)/i,
  // code references: `process.env.API_TOKEN`, `settings.SECRET_KEY`, CONSTANT_NAMES
  /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+$/,
  /^[A-Z_]+$/,
];

/** Key names that end in a word saying the value is not the secret itself (`SECRET_NAME`, `password_file`). */
const GENERIC_KEY_ALLOW: readonly RegExp[] = [
  // an unquoted value of letters only is a variable or a word (`password = credentials`,
  // `passwd: elevated-privileges`), not a literal secret
  /(?::=|=>|:|=)\s{0,5}[A-Za-z_-]{1,256}$/,
  /^[^=:]{0,60}?(?:file|path|name|names|type|length|len|size|count|policy|url|uri|dir|prompt|pattern|regex|field|header|format|mode|env|var|version|ref|arn|id|hash|salt|digest|algorithm|expiry|expires|ttl|endpoint|label|hint|help|text|title|message|error)["']?\s{0,5}(?::=|=>|:|=)/i,
];

export const SECRET_RULES: readonly SecretRule[] = [
  // --- private keys
  {
    id: 'gcp-service-account-key',
    category: 'GCP',
    title: 'GCP service account private key',
    severity: 'CRITICAL',
    keywords: ['"private_key"'],
    requireAll: ['service_account'],
    anchor: 'keyword',
    regex: /"private_key"\s{0,5}:\s{0,5}"-----BEGIN (?:RSA )?PRIVATE KEY-----((?:\\[nr]|[A-Za-z0-9+/=]){64,8192}?)-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?"/g,
    minEntropy: 4,
  },
  {
    id: 'private-key',
    category: 'PrivateKey',
    title: 'Private key (PEM / OpenSSH / PGP)',
    severity: 'HIGH',
    keywords: ['-----begin'],
    // RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8 and PGP armour; the body alphabet admits PEM
    // headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,…`), armour headers and JSON escapes.
    // A dash is admitted only when not starting `-----`, so a body never runs past the next armour line.
    anchor: 'keyword',
    regex: /-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----((?:[A-Za-z0-9+/=\s:,.()\\]|-(?!----)){40,16384}?)-----END[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----/g,
    minEntropy: 4,
  },
  // --- cloud
  {
    id: 'aws-access-key-id',
    category: 'AWS',
    title: 'AWS access key ID',
    severity: 'HIGH',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
    minEntropy: 3,
  },
  {
    id: 'aws-secret-access-key',
    category: 'AWS',
    title: 'AWS secret access key',
    severity: 'CRITICAL',
    keywords: ['aws_secret', 'aws-secret', 'aws.secret', 'awssecret', 'secret_access_key', 'secret-access-key', 'secretaccesskey'],
    anchor: 'keyword',
    regex: new RegExp(String.raw`(?:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)${OP}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'gi'),
    minEntropy: 4,
  },
  {
    id: 'azure-storage-key',
    category: 'Azure',
    title: 'Azure storage account key',
    severity: 'CRITICAL',
    keywords: ['accountkey=', 'azure'],
    // Connection strings (`…;AccountKey=<88 chars>`) and `AZURE_STORAGE_KEY=` style assignments.
    anchor: 'keyword',
    regex: new RegExp(String.raw`AccountKey=([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])|azure[A-Za-z0-9_.-]{0,30}?key${OP}["']?([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])`, 'gi'),
    minEntropy: 4.5,
  },
  // --- source forges and package registries
  {
    id: 'github-pat',
    category: 'GitHub',
    title: 'GitHub personal access token (classic)',
    severity: 'HIGH',
    keywords: ['ghp_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'github-fine-grained-pat',
    category: 'GitHub',
    title: 'GitHub fine-grained personal access token',
    severity: 'HIGH',
    keywords: ['github_pat_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'github-oauth-token',
    category: 'GitHub',
    title: 'GitHub OAuth access token',
    severity: 'HIGH',
    keywords: ['gho_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(gho_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'github-app-token',
    category: 'GitHub',
    title: 'GitHub App user-to-server or server-to-server token',
    severity: 'HIGH',
    keywords: ['ghu_', 'ghs_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(gh[us]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'github-refresh-token',
    category: 'GitHub',
    title: 'GitHub refresh token',
    severity: 'HIGH',
    keywords: ['ghr_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(ghr_[A-Za-z0-9]{36,76})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'gitlab-pat',
    category: 'GitLab',
    title: 'GitLab personal access token',
    severity: 'HIGH',
    keywords: ['glpat-'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{2,16}){0,2})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  {
    id: 'npm-token',
    category: 'npm',
    title: 'npm access token',
    severity: 'HIGH',
    keywords: ['npm_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'pypi-token',
    category: 'PyPI',
    title: 'PyPI API token',
    severity: 'HIGH',
    // Macaroons whose base64 starts with the encoded location `pypi.org`.
    keywords: ['pypi-ageichlwas5vcmc'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  {
    id: 'dockerhub-pat',
    category: 'DockerHub',
    title: 'Docker Hub personal or organisation access token',
    severity: 'HIGH',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,40})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  // --- SaaS APIs
  {
    id: 'slack-token',
    category: 'Slack',
    title: 'Slack token',
    severity: 'HIGH',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(xox[baprs]-[0-9]{6,14}-[A-Za-z0-9-]{8,200})(?![A-Za-z0-9-])/g,
    minEntropy: 3,
  },
  {
    id: 'slack-webhook',
    category: 'Slack',
    title: 'Slack incoming webhook URL',
    severity: 'MEDIUM',
    keywords: ['https://hooks.slack.com/'],
    anchor: 'keyword',
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/(T[A-Z0-9]{6,12}\/[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/g,
    minEntropy: 3.5,
  },
  {
    id: 'stripe-live-key',
    category: 'Stripe',
    title: 'Stripe live secret or restricted key',
    severity: 'CRITICAL',
    keywords: ['sk_live_', 'rk_live_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])([sr]k_live_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])/g,
    minEntropy: 3.5,
  },
  {
    id: 'twilio-api-key',
    category: 'Twilio',
    title: 'Twilio API key',
    severity: 'HIGH',
    keywords: ['sk'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9])(SK[0-9a-f]{32})(?![A-Za-z0-9])/g,
    minEntropy: 3,
  },
  {
    id: 'sendgrid-api-key',
    category: 'SendGrid',
    title: 'SendGrid API key',
    severity: 'HIGH',
    keywords: ['sg.'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
    minEntropy: 4,
  },
  {
    id: 'google-api-key',
    category: 'Google',
    title: 'Google API key',
    severity: 'MEDIUM',
    keywords: ['aiza'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  {
    id: 'openai-api-key',
    category: 'OpenAI',
    title: 'OpenAI API key',
    severity: 'HIGH',
    // Every OpenAI key embeds `T3BlbkFJ` (base64 of "OpenAI"): texts without it are skipped.
    keywords: ['sk-'],
    requireAll: ['t3blbkfj'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160})(?![A-Za-z0-9_-])/g,
    minEntropy: 4,
  },
  {
    id: 'shopify-token',
    category: 'Shopify',
    title: 'Shopify access token or shared secret',
    severity: 'HIGH',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_])(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})(?![A-Za-z0-9_])/g,
    minEntropy: 3,
  },
  {
    id: 'mailgun-api-key',
    category: 'Mailgun',
    title: 'Mailgun API key',
    severity: 'HIGH',
    keywords: ['mailgun'],
    anchor: 'keyword',
    regex: new RegExp(String.raw`mailgun[A-Za-z0-9_.-]{0,30}?${OP}["']?(key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})(?![A-Za-z0-9-])`, 'gi'),
    minEntropy: 3,
  },
  {
    id: 'heroku-api-key',
    category: 'Heroku',
    title: 'Heroku API key',
    severity: 'HIGH',
    keywords: ['hrku-', 'heroku'],
    // `HRKU-AA…` tokens anywhere; legacy UUID keys only when assigned to a HEROKU… name.
    anchor: 'keyword',
    regex: new RegExp(String.raw`(?<![A-Za-z0-9_-])(HRKU-AA[0-9A-Za-z_-]{58})(?![A-Za-z0-9_-])|heroku[A-Za-z0-9_.-]{0,30}?${OP}["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9-])`, 'gi'),
    allowMatch: [/^[^=:]{0,40}?(?:app|id|uuid|team|org|region|name)["']?\s{0,5}(?::=|=>|:|=)/i],
    minEntropy: 3,
  },
  {
    id: 'vault-token',
    category: 'HashiCorp',
    title: 'HashiCorp Vault service or batch token',
    severity: 'HIGH',
    keywords: ['hvs.', 'hvb.'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(hvs\.[A-Za-z0-9_-]{90,120}|hvb\.[A-Za-z0-9_-]{138,300})(?![A-Za-z0-9_-])/g,
    minEntropy: 4,
  },
  {
    id: 'terraform-cloud-token',
    category: 'HashiCorp',
    title: 'Terraform Cloud / Enterprise API token',
    severity: 'HIGH',
    keywords: ['.atlasv1.'],
    regex: /(?<![A-Za-z0-9])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])/g,
    window: { before: 16, after: 80 },
    minEntropy: 3.5,
  },
  {
    id: 'jwt',
    category: 'JWT',
    title: 'JSON Web Token',
    severity: 'LOW',
    keywords: ['eyj'],
    anchor: 'keyword',
    regex: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,1024}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{16,1024})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  // --- generic
  {
    id: 'url-password',
    category: 'Password',
    title: 'Password in a URL',
    severity: 'HIGH',
    keywords: ['://'],
    anchor: 'keyword',
    // Anchored at `://`, the scheme asserted behind it (the report shows it as context).
    regex: /(?<=(?:^|[^A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}):\/\/[^\s:@/?#'"`<>]{1,64}:([^\s:@/?#'"`<>]{1,128})@[A-Za-z0-9.-]{1,253}/g,
    skipPaths: GENERIC_SKIP,
    allow: [/^(?:passw(?:or)?d|pass|pwd|secret|changeme|user(?:name)?|token|x|\*+|none|null|foo|bar|test)$/i, /^%[sd]$/],
    // documentation hosts
    allowMatch: [/@(?:[A-Za-z0-9-]+\.)*example\.(?:com|org|net)$|@(?:host|hostname|server|domain)$/i],
    minEntropy: 1.5,
  },
  {
    id: 'generic-secret',
    category: 'Generic',
    title: 'Secret, token or API key assigned in text',
    severity: 'MEDIUM',
    keywords: ['secret', 'api_key', 'api-key', 'apikey', 'access_key', 'access-key', 'accesskey', 'token', 'private_key', 'privatekey'],
    anchor: 'keyword',
    regex: assignment(String.raw`secret|api[_-]?key|access[_-]?key|token|private[_-]?key`, 16, 256),
    skipPaths: GENERIC_SKIP,
    allow: GENERIC_VALUE_ALLOW,
    allowMatch: GENERIC_KEY_ALLOW,
    minEntropy: 3.5,
  },
  {
    id: 'generic-password',
    category: 'Password',
    title: 'Password assigned in text',
    severity: 'MEDIUM',
    keywords: ['password', 'passwd', 'pass_word'],
    anchor: 'keyword',
    regex: assignment(String.raw`password|passwd|pass_word`, 8, 128),
    skipPaths: GENERIC_SKIP,
    allow: [...GENERIC_VALUE_ALLOW, /^(?:admin|root|none|null|nil|undefined|true|false|empty|required|optional|string|value)$/i],
    allowMatch: GENERIC_KEY_ALLOW,
    minEntropy: 2.5,
  },
];
