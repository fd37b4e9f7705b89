/**
 * Vulnerability diff: a finding is one flaw (its id and every alias) in one package (type and
 * name), whatever the instance. A flaw present only after is `introduced`, only before `fixed`,
 * on both sides `persistent`. Ids are matched through aliases, so a CVE reported before and its
 * GHSA reported after are the same flaw.
 */
import type { Package, VulnerabilityFinding } from '../core/index.js';
import type { VulnChange, VulnChangeKind, VulnDiff } from './types.js';

export interface VulnDiffInput {
  before: { packages: readonly Package[]; findings: readonly VulnerabilityFinding[]; notes: readonly string[] };
  after: { packages: readonly Package[]; findings: readonly VulnerabilityFinding[]; notes: readonly string[] };
}

interface Flaw {
  ids: Set<string>;
  first: VulnerabilityFinding;
  versions: Set<string>;
}

/** One entry per (package type, name, flaw), merging instances and alias-linked findings. */
function flawsOf(findings: readonly VulnerabilityFinding[]): Map<string, Flaw[]> {
  const byPkg = new Map<string, Flaw[]>();
  for (const f of findings) {
    const k = `${f.packageType}\u0000${f.packageName}`;
    const list = byPkg.get(k) ?? [];
    byPkg.set(k, list);
    const ids = [f.id, ...f.aliases];
    const hit = list.find((x) => ids.some((i) => x.ids.has(i)));
    if (hit) {
      for (const i of ids) hit.ids.add(i);
      hit.versions.add(f.installedVersion);
    } else list.push({ ids: new Set(ids), first: f, versions: new Set([f.installedVersion]) });
  }
  return byPkg;
}

function versionsOf(packages: readonly Package[], type: string, name: string): string[] {
  return [
    ...new Set(packages.filter((p) => p.type === type && p.name === name).map((p) => p.version)),
  ].sort();
}

function entry(
  change: VulnChangeKind,
  f: VulnerabilityFinding,
  ids: Set<string>,
  before: string[],
  after: string[],
): VulnChange {
  const all = [...ids];
  const id = all.find((i) => i.startsWith('CVE-')) ?? f.id;
  return {
    change,
    id,
    aliases: all.filter((i) => i !== id).sort(),
    packageName: f.packageName,
    packageType: f.packageType,
    ...(f.severity ? { severity: f.severity } : {}),
    ...(f.title ? { title: f.title } : {}),
    state: f.state,
    fixedVersions: [...f.fixedVersions],
    before: { installedVersions: before },
    after: { installedVersions: after },
  };
}

const ORDER: Record<VulnChangeKind, number> = { introduced: 0, fixed: 1, persistent: 2 };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Compares the findings of both sides. */
export function diffVulnerabilities(input: VulnDiffInput): VulnDiff {
  const a = flawsOf(input.before.findings);
  const b = flawsOf(input.after.findings);
  const changes: VulnChange[] = [];
  for (const [k, listB] of b) {
    const listA = a.get(k) ?? [];
    for (const fb of listB) {
      const i = listA.findIndex((fa) => [...fb.ids].some((id) => fa.ids.has(id)));
      const f = fb.first;
      const afterVersions = [...fb.versions].sort();
      if (i < 0) {
        changes.push(
          entry(
            'introduced',
            f,
            fb.ids,
            versionsOf(input.before.packages, f.packageType, f.packageName),
            afterVersions,
          ),
        );
        continue;
      }
      const fa = listA.splice(i, 1)[0]!;
      changes.push(
        entry('persistent', f, new Set([...fa.ids, ...fb.ids]), [...fa.versions].sort(), afterVersions),
      );
    }
  }
  for (const listA of a.values()) {
    for (const fa of listA) {
      const f = fa.first;
      changes.push(
        entry(
          'fixed',
          f,
          fa.ids,
          [...fa.versions].sort(),
          versionsOf(input.after.packages, f.packageType, f.packageName),
        ),
      );
    }
  }
  changes.sort(
    (x, y) => ORDER[x.change] - ORDER[y.change] || cmp(x.packageName, y.packageName) || cmp(x.id, y.id),
  );
  const notes = [
    ...input.before.notes.map((message) => ({ side: 'before' as const, message })),
    ...input.after.notes.map((message) => ({ side: 'after' as const, message })),
  ];
  return { status: 'matched', notes, complete: notes.length === 0, changes };
}

/** The vulnerability section when matching was turned off. */
export function skippedVulnerabilities(): VulnDiff {
  return { status: 'skipped', notes: [], complete: false, changes: [] };
}
