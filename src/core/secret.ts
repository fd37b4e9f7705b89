/**
 * Credentials that never print: a token, a password, a URL with a password in it. `String()`,
 * `JSON.stringify` and `util.inspect` (so loggers and error dumps) show a redaction; only
 * `.reveal()` gives the value, at the one place that sends it.
 */
export const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: call it only where it leaves the process (an auth header, a connection). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  /** What `util.inspect` (console.log, pino, vitest diffs) shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${REDACTED})`;
  }
}

/**
 * A URL for messages and logs, its user information masked (`https://user:pw@host/x` →
 * `https://***@host/x`); strings without credentials are returned as given.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** A URL with its user information removed (`https://user:pw@host/x` → `https://host/x`), e.g. to store it. */
export function stripUrlCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
