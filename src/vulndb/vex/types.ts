/** The VEX statement model shared by every VEX format reader, and the error they throw. */
import { PortcullisError, type VexNote, type VexStatus } from '../../core/index.js';

/** Statuses that remove a finding from the report (it stays visible as suppressed). */
export const SUPPRESSING_STATUSES: readonly VexStatus[] = ['not_affected', 'fixed'];

/** What a statement is about: a product (an image or a package) and optionally components inside it. */
export interface VexProduct {
  /** Identifiers of the product: package URLs, image references, digests, bom-refs. */
  ids: string[];
  /** Components of the product the statement is about, each with its identifiers; empty: the product itself. */
  subcomponents: string[][];
  /** Installed versions the statement is limited to (CycloneDX `affects[].versions`); undefined: any. */
  versions?: string[];
}

/** One normalised statement: vulnerability × products → status (and what a finding reports of it, `VexNote`). */
export interface VexStatement extends VexNote {
  /** The vulnerability's name (`CVE-…`, `GHSA-…`). */
  vulnerability: string;
  /** Other names of the same vulnerability. */
  aliases: string[];
  products: VexProduct[];
}

/** `VEX_INVALID` naming the file and what is wrong with it. */
export function vexInvalid(source: string, what: string): PortcullisError {
  return new PortcullisError({
    code: 'VEX_INVALID',
    message: `VEX document "${source}" is invalid: ${what}`,
    hint: 'Pass an OpenVEX v0.2.0 JSON document or a CycloneDX 1.4–1.6 JSON BOM with vulnerabilities[].analysis.',
  });
}

export type Obj = Record<string, unknown>;

/** Whether `s` is an RFC 3339 date-time that Date can read. */
export function isTimestamp(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s) &&
    !Number.isNaN(Date.parse(s))
  );
}
