/**
 * The Debian security tracker's JSON export (security-tracker.debian.org/tracker/data/json):
 * source package → CVE → release → { status, fixed_version, urgency }.
 */
import type { FixState } from '../../core/index.js';
import type { OsAdvisory } from '../types.js';

interface ReleaseEntry {
  status?: string;
  fixed_version?: string;
  urgency?: string;
  nodsa?: string;
}

export interface ParseStats {
  records: number;
  malformed: number;
}

function stateOf(r: ReleaseEntry): FixState {
  if (r.status === 'resolved') return r.fixed_version === '0' ? 'not-affected' : 'fixed';
  if (r.urgency === 'end-of-life') return 'end-of-life';
  // `nodsa` with reason "ignored" is the security team's "will not fix" (Trivy and Grype agree).
  if (r.nodsa !== undefined && /ignored/i.test(String((r as { nodsa_reason?: string }).nodsa_reason ?? ''))) return 'will-not-fix';
  return 'unfixed';
}

/** Normalises the whole document; malformed entries are counted and skipped. */
export function parseDebianTracker(doc: unknown, stats: ParseStats = { records: 0, malformed: 0 }): OsAdvisory[] {
  const out: OsAdvisory[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('Debian tracker JSON must be an object of source packages');
  for (const [pkg, cves] of Object.entries(doc as Record<string, unknown>)) {
    if (!cves || typeof cves !== 'object') {
      stats.malformed++;
      continue;
    }
    for (const [id, entry] of Object.entries(cves as Record<string, unknown>)) {
      const e = entry as { description?: string; releases?: Record<string, ReleaseEntry> };
      if (!e || typeof e !== 'object' || !e.releases || typeof e.releases !== 'object') {
        stats.malformed++;
        continue;
      }
      for (const [release, r] of Object.entries(e.releases)) {
        if (!r || typeof r !== 'object') {
          stats.malformed++;
          continue;
        }
        const state = stateOf(r);
        stats.records++;
        out.push({
          id,
          distro: 'debian',
          release,
          package: pkg,
          state,
          ...(state === 'fixed' && r.fixed_version ? { fixedVersion: r.fixed_version } : {}),
          ...(r.urgency ? { severity: r.urgency.replace(/\*+$/, '') } : {}),
          ...(e.description ? { description: e.description } : {}),
          source: 'debian-tracker',
        });
      }
    }
  }
  return out;
}
