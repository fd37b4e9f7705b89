/** The VEX statement model shared by every VEX format reader, and the error they throw. */
import { PortcullisError } from '../../core/errors.js';

/** OpenVEX v0.2.0 statuses; CycloneDX analysis states are mapped onto them. */
export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

/** Statuses that remove a finding from the report (it stays visible as suppressed). */
export const SUPPRESSING_STATUSES: readonly VexStatus[] = ['not_affected', 'fixed'];

export const VEX_FORMATS = ['openvex', 'cyclonedx'] as const;
export type VexFormat = (typeof VEX_FORMATS)[number];

/** What a statement is about: a product (an image or a package) and optionally components inside it. */
export interface VexProduct {
  /** Identifiers of the product: package URLs, image references, digests, bom-refs. */
  ids: string[];
  /** Components of the product the statement is about, each with its identifiers; empty: the product itself. */
  subcomponents: string[][];
  /** Installed versions the statement is limited to (CycloneDX `affects[].versions`); undefined: any. */
  versions?: string[];
}

/** One normalised statement: vulnerability × products → status. */
export interface VexStatement {
  /** The vulnerability's name (`CVE-…`, `GHSA-…`). */
  vulnerability: string;
  /** Other names of the same vulnerability. */
  aliases: string[];
  products: VexProduct[];
  status: VexStatus;
  /** OpenVEX justification or CycloneDX `analysis.justification`, as written. */
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  /** RFC 3339 time the statement was made or last updated (its own, else its document's). */
  timestamp?: string;
  /** The file it was read from. */
  source: string;
  format: VexFormat;
  /** CycloneDX `analysis.state` as written (`false_positive`, `resolved_with_pedigree`, …). */
  analysisState?: string;
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

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether `s` is an RFC 3339 date-time that Date can read. */
export function isTimestamp(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s) &&
    !Number.isNaN(Date.parse(s))
  );
}
