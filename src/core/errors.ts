/**
 * Typed errors with stable codes. Every edge (CLI exit status, HTTP status) maps codes
 * through one table; nothing branches on a message.
 */

export const ERROR_CODES = [
  // usage and references
  'USAGE',
  'INVALID_VERSION',
  'INVALID_REFERENCE',
  'UNSUPPORTED_TRANSPORT',
  // image structure
  'IMAGE_NOT_FOUND',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'BLOB_MISSING',
  'UNSUPPORTED_MEDIA_TYPE',
  'PLATFORM_NOT_FOUND',
  'DIGEST_MISMATCH',
  'DIGEST_INVALID',
  // layer content
  'LAYER_CORRUPT',
  'LAYER_TRUNCATED',
  'UNSAFE_PATH',
  'SYMLINK_LOOP',
  'FILE_TOO_LARGE',
  'DECOMPRESSION_BOMB',
  'ARCHIVE_INVALID',
  // registry
  'AUTH_FAILED',
  'AUTH_REQUIRED',
  'REGISTRY_ERROR',
  'NETWORK_ERROR',
  // outbound HTTP (src/http): a deadline passed, or the caller aborted
  'NETWORK_TIMEOUT',
  'ABORTED',
  'INSECURE_REGISTRY',
  // local files
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'OUTPUT_FAILED',
  // database
  'DATABASE_UNAVAILABLE',
  'STORE_LOCKED',
  'DATA_DIR_INVALID',
  'DATABASE_URL_INVALID',
  'ADVISORY_SOURCE_INVALID',
  'SBOM_INVALID',
  'VEX_INVALID',
  'RULE_INVALID',
  'OFFLINE',
  // metadata server (Grafeas API) and its tokens
  'METADATA_INVALID',
  'METADATA_NOT_FOUND',
  'METADATA_EXISTS',
  'FILTER_INVALID',
  'PAGE_TOKEN_INVALID',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  'REQUEST_TOO_LARGE',
  'REQUEST_TOO_DEEP',
  'TEXT_INVALID',
  // pushing scans to a metadata server (scan --push)
  'PUSH_FAILED',
  'TLS_UNTRUSTED',
  // signatures and attestations (src/attest)
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'SIGNATURE_DIGEST_MISMATCH',
  'PAYLOAD_INVALID',
  'PREDICATE_TYPE_MISMATCH',
  'KEY_INVALID',
  'PASSWORD_REQUIRED',
  // Sigstore bundles (keyless verification)
  'BUNDLE_INVALID',
  'TRUSTED_ROOT_INVALID',
  'CERTIFICATE_INVALID',
  'IDENTITY_MISMATCH',
  'TLOG_INVALID',
  'TIMESTAMP_INVALID',
  'PKCS11_ERROR',
  // policies (src/policy)
  'POLICY_INVALID',
  // the admission webhook (src/admission): a request that is not an AdmissionReview v1
  'ADMISSION_REVIEW_INVALID',
  // advisory data (db update, scan coverage)
  'DB_EMPTY',
  'DB_UPDATE_FAILED',
  // catch-all
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PortcullisErrorOptions {
  code: ErrorCode;
  message: string;
  /** What the user should do next. */
  hint?: string;
  cause?: unknown;
}

/** Base error for everything Portcullis throws on purpose. */
export class PortcullisError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(opts: PortcullisErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PortcullisError';
    this.code = opts.code;
    this.hint = opts.hint;
  }
}

/** Shorthand constructor. */
export function fail(code: ErrorCode, message: string, hint?: string, cause?: unknown): never {
  throw new PortcullisError({ code, message, hint, cause });
}

export function isPortcullisError(err: unknown): err is PortcullisError {
  return err instanceof PortcullisError;
}

/** Exit status per error code: 2 for usage/input errors, 3 for internal errors. */
export function exitCodeFor(err: unknown): number {
  if (isPortcullisError(err)) return err.code === 'INTERNAL' ? 3 : 2;
  return 3;
}
