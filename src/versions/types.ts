/**
 * One interface for every ecosystem's version ordering. Each scheme lives in its own file and is
 * checked against the real implementation where this machine has one.
 */

export interface VersionScheme {
  readonly id: string;
  /** Throws (INVALID_VERSION) when the string is not a version of this scheme. */
  parse(v: string): unknown;
  /** The parsed form, or undefined when invalid. */
  tryParse(v: string): unknown;
  /** Negative, zero or positive, like `a - b`. Throws on invalid input. */
  compare(a: string, b: string): number;
}
