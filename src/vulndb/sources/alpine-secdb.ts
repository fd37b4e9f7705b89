/**
 * Alpine secdb JSON (secdb.alpinelinux.org/v3.19/main.json): per package, `secfixes` maps a fixed
 * version to the CVEs it fixes; version "0" means the package was never affected.
 */
import type { OsAdvisory } from '../types.js';
import type { ParseStats } from './debian-tracker.js';

export function parseAlpineSecdb(doc: unknown, stats: ParseStats = { records: 0, malformed: 0 }): OsAdvisory[] {
  const d = doc as { distroversion?: string; packages?: { pkg?: { name?: string; secfixes?: Record<string, string[] | null> } }[] };
  if (!d || typeof d !== 'object' || typeof d.distroversion !== 'string' || !Array.isArray(d.packages)) {
    throw new Error('Alpine secdb JSON must have distroversion and packages');
  }
  const release = d.distroversion.replace(/^v/, '');
  const out: OsAdvisory[] = [];
  for (const p of d.packages) {
    const name = p?.pkg?.name;
    const fixes = p?.pkg?.secfixes;
    if (typeof name !== 'string' || !fixes || typeof fixes !== 'object') {
      stats.malformed++;
      continue;
    }
    for (const [version, ids] of Object.entries(fixes)) {
      for (const raw of ids ?? []) {
        // Entries may carry extra ids: "CVE-2023-1234 XSA-123".
        const id = String(raw).split(/\s+/)[0]!;
        stats.records++;
        out.push({ id, distro: 'alpine', release, package: name, state: version === '0' ? 'not-affected' : 'fixed', ...(version !== '0' ? { fixedVersion: version } : {}), source: 'alpine-secdb' });
      }
    }
  }
  return out;
}
