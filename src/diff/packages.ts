/**
 * Package diff. Instances are matched in two passes:
 *
 * 1. by identity — type, name and where the instance lives: the architecture for OS packages
 *    (multi-arch dpkg installs `libc6:amd64` next to `libc6:i386`, all in one status file), the
 *    first location for everything else (the same npm package at two `node_modules` paths is two
 *    instances);
 * 2. what is left, by type and name alone, when exactly one instance remains on each side: an OS
 *    package whose architecture changed, a Python package whose `*.dist-info` directory carries
 *    the version in its name, an npm package hoisted to another path.
 *
 * Within a group, instances with identical versions pair first. Versions are ordered with the
 * ecosystem's own scheme (`schemeFor(type)`), never by string.
 */
import { isOsPackageType, type Package } from '../core/index.js';
import { schemeFor } from '../versions/index.js';
import type { PackageChange, PackageChangeKind, PackageState } from './types.js';

function identityOf(p: Package): string {
  const where = isOsPackageType(p.type) ? `arch:${p.arch ?? ''}` : `at:${p.locations[0]?.path ?? ''}`;
  return `${p.type}\u0000${p.name}\u0000${where}`;
}

function nameKeyOf(p: Package): string {
  return `${p.type}\u0000${p.name}`;
}

function stateOf(p: Package): PackageState {
  const loc = p.locations[0];
  return {
    version: p.version,
    purl: p.purl,
    ...(p.arch ? { arch: p.arch } : {}),
    ...(loc ? { location: loc.path } : {}),
    ...(loc?.layerDiffId ? { layerDiffId: loc.layerDiffId } : {}),
  };
}

/** How `after` relates to `before` under the package type's version scheme. */
export function classifyVersionChange(
  type: string,
  before: string,
  after: string,
): 'upgraded' | 'downgraded' | 'changed' | 'same' {
  if (before === after) return 'same';
  let c: number;
  try {
    c = schemeFor(type).compare(before, after);
  } catch {
    return 'changed';
  }
  return c < 0 ? 'upgraded' : c > 0 ? 'downgraded' : 'changed';
}

function groupBy(list: readonly Package[], key: (p: Package) => string): Map<string, Package[]> {
  const m = new Map<string, Package[]>();
  for (const p of list) {
    const k = key(p);
    const g = m.get(k);
    if (g) g.push(p);
    else m.set(k, [p]);
  }
  return m;
}

/** Removes pairs with the same version from both lists (they are unchanged, or only moved). */
function dropSameVersions(a: Package[], b: Package[], onPair: (x: Package, y: Package) => void): void {
  for (let i = a.length - 1; i >= 0; i--) {
    const j = b.findIndex((y) => y.version === a[i]!.version);
    if (j < 0) continue;
    onPair(a[i]!, b[j]!);
    a.splice(i, 1);
    b.splice(j, 1);
  }
}

function pairChange(x: Package, y: Package): PackageChange | undefined {
  const v = classifyVersionChange(x.type, x.version, y.version);
  let change: PackageChangeKind;
  if (v === 'same') {
    if ((x.arch ?? '') === (y.arch ?? '')) return undefined;
    change = 'changed';
  } else change = v;
  return { change, type: y.type, name: y.name, before: stateOf(x), after: stateOf(y) };
}

/** Matches the packages of two catalogs and lists what was added, removed or changed version. */
export function diffPackages(before: readonly Package[], after: readonly Package[]): PackageChange[] {
  const out: PackageChange[] = [];
  const leftA: Package[] = [];
  const leftB: Package[] = [];
  const ga = groupBy(before, identityOf);
  const gb = groupBy(after, identityOf);
  for (const [k, a0] of ga) {
    const a = [...a0];
    const b = [...(gb.get(k) ?? [])];
    dropSameVersions(a, b, () => undefined);
    if (a.length === 1 && b.length === 1) {
      const c = pairChange(a[0]!, b[0]!);
      if (c) out.push(c);
      continue;
    }
    leftA.push(...a);
    leftB.push(...b);
  }
  for (const [k, b] of gb) if (!ga.has(k)) leftB.push(...b);

  // Second pass: same type and name, different identity.
  const na = groupBy(leftA, nameKeyOf);
  const nb = groupBy(leftB, nameKeyOf);
  const keys = new Set([...na.keys(), ...nb.keys()]);
  for (const k of keys) {
    const a = [...(na.get(k) ?? [])];
    const b = [...(nb.get(k) ?? [])];
    dropSameVersions(a, b, (x, y) => {
      const c = pairChange(x, y);
      if (c) out.push(c);
    });
    if (a.length === 1 && b.length === 1) {
      const c = pairChange(a[0]!, b[0]!);
      if (c) out.push(c);
      continue;
    }
    for (const x of a) out.push({ change: 'removed', type: x.type, name: x.name, before: stateOf(x) });
    for (const y of b) out.push({ change: 'added', type: y.type, name: y.name, after: stateOf(y) });
  }
  return out.sort(comparePackageChanges);
}

const ORDER: Record<PackageChangeKind, number> = {
  added: 0,
  removed: 1,
  upgraded: 2,
  downgraded: 3,
  changed: 4,
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function comparePackageChanges(x: PackageChange, y: PackageChange): number {
  const lx = (x.after ?? x.before)!;
  const ly = (y.after ?? y.before)!;
  return (
    ORDER[x.change] - ORDER[y.change] ||
    cmp(x.type, y.type) ||
    cmp(x.name, y.name) ||
    cmp(lx.location ?? '', ly.location ?? '') ||
    cmp(lx.version, ly.version)
  );
}
