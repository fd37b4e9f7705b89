/** The package graph as the SBOM writers need it: unique packages and valid, de-duplicated edges. */
import type { Package } from '../core/index.js';

/** Packages with their first occurrence kept when an id repeats (ids should be unique; never emit a duplicate). */
export function uniquePackages(packages: readonly Package[]): Package[] {
  const seen = new Set<string>();
  return packages.filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
}

/** `dependsOn` of each package restricted to ids present in `packages`, without self-edges or repeats. */
export function dependencyEdges(packages: readonly Package[]): Map<string, string[]> {
  const ids = new Set(packages.map((p) => p.id));
  const out = new Map<string, string[]>();
  for (const p of packages)
    out.set(p.id, [...new Set((p.dependsOn ?? []).filter((d) => d !== p.id && ids.has(d)))]);
  return out;
}

/**
 * Packages to hang directly under the root so that every package is reachable from it: those
 * nothing depends on, plus one member of each dependency cycle that nothing outside the cycle
 * reaches. In input order.
 */
export function graphRoots(packages: readonly Package[], edges: Map<string, string[]>): string[] {
  const inbound = new Set<string>();
  for (const deps of edges.values()) for (const d of deps) inbound.add(d);
  const roots = packages.filter((p) => !inbound.has(p.id)).map((p) => p.id);
  const reached = new Set<string>();
  const visit = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (reached.has(id)) continue;
      reached.add(id);
      for (const d of edges.get(id) ?? []) if (!reached.has(d)) stack.push(d);
    }
  };
  roots.forEach(visit);
  for (const p of packages) {
    if (reached.has(p.id)) continue;
    roots.push(p.id);
    visit(p.id);
  }
  const order = new Map(packages.map((p, i) => [p.id, i]));
  return roots.sort((a, b) => order.get(a)! - order.get(b)!);
}
