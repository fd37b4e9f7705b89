/**
 * Severity, once: the ordered scale every finding kind uses (vulnerabilities, secrets, config and
 * host checks), so one `--severity` list filters them all; its parse/compare helpers; and the
 * Grafeas v1 `Severity` enum with the mapping onto it, as data.
 */
import { PortcullisError } from './errors.js';

/** Lowest first: the index is the rank. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A severity somebody decided (every one but `UNKNOWN`): what a rule declares. */
export type RatedSeverity = Exclude<Severity, 'UNKNOWN'>;
/** The rated severities, lowest first. */
export const RATED_SEVERITIES: readonly RatedSeverity[] = SEVERITIES.filter((s): s is RatedSeverity => s !== 'UNKNOWN');

/** A severity with where it came from. */
export interface SeverityInfo {
  severity: Severity;
  /** `cvss:3.1`, `cvss:4.0`, `ghsa`, `debian`, … */
  source: string;
  score?: number;
  vector?: string;
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** 0 for `UNKNOWN` up to 4 for `CRITICAL`. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Ascending order (negative when `a` is lower); sort descending with `(a, b) => compareSeverity(b, a)`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** Whether `s` is `min` or higher. */
export function isAtLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

/** A severity name in any letter case (`high`, ` Critical `), or undefined. */
export function tryParseSeverity(s: string): Severity | undefined {
  const v = s.trim().toUpperCase();
  return isSeverity(v) ? v : undefined;
}

/** A severity name in any letter case; `USAGE` for anything else. */
export function parseSeverity(s: string): Severity {
  const v = tryParseSeverity(s);
  if (v === undefined) throw new PortcullisError({ code: 'USAGE', message: `Unknown severity "${s.trim().toUpperCase()}"`, hint: `Use a comma list of ${SEVERITIES.join(', ')}.` });
  return v;
}

/** A comma list as `--severity` takes it (`HIGH,critical`); empty items are skipped. */
export function parseSeverityList(list: string): Severity[] {
  return list
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(parseSeverity);
}

/** SARIF 2.1.0 `result.level` of a severity (§3.27.10). */
export const SARIF_LEVEL_OF: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };

/**
 * The `security-severity` rule property (a CVSS-like score as a string) that GitHub code scanning
 * reads, for findings without a score of their own: the middle of each CVSS band.
 */
export const SARIF_SECURITY_SEVERITY_OF: Readonly<Record<Severity, string>> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

/** grafeas.v1.Severity (severity.proto), lowest first. */
export const GRAFEAS_SEVERITIES = ['SEVERITY_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type GrafeasSeverity = (typeof GRAFEAS_SEVERITIES)[number];

/** Our severity as a Grafeas occurrence carries it. */
export const GRAFEAS_SEVERITY_OF: Readonly<Record<Severity, GrafeasSeverity>> = {
  UNKNOWN: 'SEVERITY_UNSPECIFIED',
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
};
