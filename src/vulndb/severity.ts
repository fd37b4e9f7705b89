/**
 * Severity: CVSS v3.x / v4.0 vectors parsed and scored (ae-cvss-calculator), vendor ratings
 * (GHSA, Debian urgency) normalised; every severity says where it came from. The scale itself is
 * `core/severity.ts`.
 */
import cvss from 'ae-cvss-calculator';
import type { Severity, SeverityInfo } from '../core/index.js';

const { Cvss3P0, Cvss3P1, Cvss4P0 } = cvss;

/** CVSS qualitative rating (v3/v4 share the scale). */
export function ratingOf(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

export function scoreVector(vector: string): SeverityInfo | undefined {
  try {
    if (vector.startsWith('CVSS:4.0/')) {
      const s = new Cvss4P0(vector).calculateScores().overall;
      return { severity: ratingOf(s), source: 'cvss:4.0', score: s, vector };
    }
    if (vector.startsWith('CVSS:3.1/') || vector.startsWith('CVSS:3.0/')) {
      const v = vector.startsWith('CVSS:3.1/') ? new Cvss3P1(vector) : new Cvss3P0(vector);
      const s = v.calculateScores().base ?? 0;
      return { severity: ratingOf(s), source: vector.slice(0, 8).toLowerCase(), score: s, vector };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const VENDOR: Record<string, Severity> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  negligible: 'LOW',
  unimportant: 'LOW',
};

export function vendorSeverity(rating: string | undefined, source: string): SeverityInfo | undefined {
  if (!rating) return undefined;
  const s = VENDOR[rating.toLowerCase().trim()];
  return s ? { severity: s, source } : undefined;
}

/** Best severity of an OSV record: CVSS v4, then v3.x, then the database's own rating. */
export function osvSeverity(record: { severity?: { type: string; score: string }[]; database_specific?: Record<string, unknown> }): SeverityInfo | undefined {
  const vectors = (record.severity ?? []).map((s) => scoreVector(s.score)).filter((x): x is SeverityInfo => x !== undefined);
  const v4 = vectors.find((v) => v.source === 'cvss:4.0');
  const v3 = vectors.find((v) => v.source.startsWith('cvss:3'));
  return v4 ?? v3 ?? vendorSeverity(typeof record.database_specific?.severity === 'string' ? record.database_specific.severity : undefined, 'advisory');
}
