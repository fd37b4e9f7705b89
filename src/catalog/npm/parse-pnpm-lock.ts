/**
 * `pnpm-lock.yaml`, lockfileVersion 5.x, 6.x and 9.x.
 *
 * Package keys: v5 `/name/1.2.3` (peers after `_`), v6 `/name@1.2.3(peer@1.0.0)`, v9
 * `name@1.2.3(peer@1.0.0)` — v9 splits metadata (`packages`, keyed without peers) from the
 * dependency graph (`snapshots`, keyed with peers). Dependencies reference other keys by version
 * (`ms: 2.1.2` → `/ms/2.1.2`, `/ms@2.1.2` or `ms@2.1.2`), or by full key for aliases. The project's
 * own dependencies are in `importers` (workspaces, and every v9 lock) or at the top level (v5/v6
 * single-project locks); they give the `direct` flag, and for v9, which records no `dev` flag, the
 * dev-only set by reachability.
 */
import { parse as parseYaml } from 'yaml';
import { LockCollector, type LockFact } from './common.js';
import { isRecord } from '../../core/index.js';

/** Splits a package key of any lockfile version into name and version (peers dropped). */
export function parsePnpmKey(key: string): { name: string; version: string } | undefined {
  const k = (key.startsWith('/') ? key.slice(1) : key).replace(/\(.*$/, '');
  // v5: `name/version[_peers]`, name possibly scoped.
  const v5 = /^((?:@[^/@]+\/)?[^/@]+)\/([^/@]+(?:_.*)?)$/.exec(k);
  if (v5) return { name: v5[1]!, version: v5[2]!.replace(/_.*$/, '') };
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at > 0 && at < k.length - 1) return { name: k.slice(0, at), version: k.slice(at + 1) };
  return undefined;
}

type Refs = Record<string, string>;

/** `{name: ref}` (v5) or `{name: {specifier, version}}` (v6+). */
function refsOf(v: unknown): Refs {
  const out: Refs = {};
  if (!isRecord(v)) return out;
  for (const [n, r] of Object.entries(v)) {
    if (typeof r === 'string' || typeof r === 'number') out[n] = String(r);
    else if (isRecord(r) && (typeof r.version === 'string' || typeof r.version === 'number')) out[n] = String(r.version);
  }
  return out;
}

interface Importer {
  prod: Refs;
  dev: Refs;
}

export function parsePnpmLock(buf: Buffer): LockFact {
  const doc: unknown = parseYaml(buf.toString('utf8'), { maxAliasCount: 100 });
  if (!isRecord(doc)) throw new Error('pnpm-lock.yaml is not a YAML mapping');
  const major = Number.parseInt(String(doc.lockfileVersion ?? ''), 10);
  if (!Number.isFinite(major)) throw new Error('pnpm-lock.yaml has no lockfileVersion');
  const meta = isRecord(doc.packages) ? doc.packages : {};
  const graph = major >= 9 ? (isRecord(doc.snapshots) ? doc.snapshots : {}) : meta;

  const importers: Importer[] = [];
  const importerOf = (v: Record<string, unknown>): Importer => ({
    prod: { ...refsOf(v.dependencies), ...refsOf(v.optionalDependencies) },
    dev: refsOf(v.devDependencies),
  });
  if (isRecord(doc.importers)) {
    for (const v of Object.values(doc.importers)) if (isRecord(v)) importers.push(importerOf(v));
  } else {
    importers.push(importerOf(doc));
  }

  /** The graph key a dependency reference points at. */
  const target = (name: string, ref: string): string | undefined => {
    if (/^(link|file|workspace):/.test(ref)) return undefined;
    const candidates = major >= 9 ? [`${name}@${ref}`, ref] : major >= 6 ? [`/${name}@${ref}`, ref] : [`/${name}/${ref}`, ref];
    return candidates.find((c) => c in graph);
  };

  const out = new LockCollector();
  const keyOf = new Map<string, string>();
  const depsOf = new Map<string, string[]>();
  for (const [gkey, raw] of Object.entries(graph)) {
    const e = isRecord(raw) ? raw : {};
    const base = major >= 9 ? (isRecord(meta[gkey.replace(/\(.*$/, '')]) ? (meta[gkey.replace(/\(.*$/, '')] as Record<string, unknown>) : {}) : e;
    // Tarball, git and directory packages record their name and version in the entry.
    const parsed = typeof base.name === 'string' && typeof base.version === 'string' ? { name: base.name, version: base.version } : parsePnpmKey(gkey);
    if (!parsed || parsed.version === '' || /^(link|file|workspace):/.test(parsed.version)) continue;
    keyOf.set(
      gkey,
      out.add({ name: parsed.name, version: parsed.version, dev: e.dev === true || base.dev === true, optional: e.optional === true || base.optional === true, deps: [] }),
    );
    depsOf.set(gkey, Object.entries({ ...refsOf(e.dependencies), ...refsOf(e.optionalDependencies) }).map(([n, r]) => target(n, r)).filter((t): t is string => t !== undefined));
  }
  for (const [gkey, deps] of depsOf) {
    out.addDeps(keyOf.get(gkey)!, deps.map((d) => keyOf.get(d)).filter((k): k is string => k !== undefined));
  }

  const roots = (group: 'prod' | 'dev'): string[] =>
    importers.flatMap((imp) => Object.entries(imp[group]).map(([n, r]) => target(n, r))).filter((t): t is string => t !== undefined && keyOf.has(t));
  for (const r of [...roots('prod'), ...roots('dev')]) out.markDirect(keyOf.get(r)!);

  const fact = out.fact();
  if (major >= 9) {
    // No `dev` flag in v9: dev-only = reachable from devDependencies but not from the others.
    const reach = (start: string[]): Set<string> => {
      const seen = new Set<string>();
      const stack = [...start];
      while (stack.length > 0) {
        const g = stack.pop()!;
        if (seen.has(g)) continue;
        seen.add(g);
        for (const d of depsOf.get(g) ?? []) if (!seen.has(d)) stack.push(d);
      }
      return new Set([...seen].map((g) => keyOf.get(g)!));
    };
    const prod = reach(roots('prod'));
    const dev = reach(roots('dev'));
    for (const p of fact.packages) {
      if (dev.has(p.key) && !prod.has(p.key)) p.dev = true;
    }
  }
  return fact;
}
