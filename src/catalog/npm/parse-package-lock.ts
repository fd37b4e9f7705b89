/**
 * `package-lock.json` / `npm-shrinkwrap.json`, lockfileVersion 1, 2 and 3
 * (https://docs.npmjs.com/cli/configuring-npm/package-lock-json).
 *
 * v2 and v3 carry a `packages` map keyed by install path (`node_modules/a/node_modules/b`; `""` is
 * the project itself; `link: true` entries point at a directory elsewhere in the map via
 * `resolved`). v1 only has the nested `dependencies` tree, whose nesting is the same install
 * layout. Edges are resolved as Node resolves `require` from each package's directory.
 */
import { normaliseLicenses } from '../license.js';
import { depNames, inNodeModules, LockCollector, nameFromModulePath, basename, parseJsonObject, resolveNodeModule, type LockFact } from './common.js';
import { isRecord } from '../../core/index.js';

interface V2Entry {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  resolved?: unknown;
  link?: unknown;
  dev?: unknown;
  optional?: unknown;
  devOptional?: unknown;
  peer?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  devDependencies?: unknown;
}

interface Node {
  name: string;
  version: string;
  licenses: string[];
  dev: boolean;
  optional: boolean;
  devOptional: boolean;
  peer: boolean;
  deps: string[];
  /** Directory Node resolves this package's own `require`s from (a link's target). */
  realPath: string;
  /** Install paths (the entry's own key and the keys of links to it). */
  paths: string[];
}

/** Parses a package-lock (any lockfileVersion) into merged, edge-resolved packages. */
export function parsePackageLock(buf: Buffer): LockFact {
  const doc = parseJsonObject(buf, 'package-lock.json');
  return isRecord(doc.packages) ? parseV2(doc.packages) : parseV1(doc.dependencies);
}

function parseV2(packages: Record<string, unknown>): LockFact {
  const entries = new Map<string, V2Entry>();
  for (const [k, v] of Object.entries(packages)) if (isRecord(v)) entries.set(k, v as V2Entry);

  // Links resolve to their target entry (a workspace or `file:` directory).
  const linkTarget = (key: string): string | undefined => {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.link !== true) return key;
    return typeof e.resolved === 'string' && entries.has(e.resolved) && entries.get(e.resolved)!.link !== true ? e.resolved : undefined;
  };

  const nodes = new Map<string, Node>();
  for (const [key, e] of entries) {
    if (key === '' || e.link === true) continue;
    if (typeof e.version !== 'string' || e.version === '') continue;
    nodes.set(key, {
      name: typeof e.name === 'string' && e.name ? e.name : inNodeModules(key) ? nameFromModulePath(key) : basename(key),
      version: e.version,
      licenses: typeof e.license === 'string' ? normaliseLicenses([e.license]) : [],
      dev: e.dev === true,
      optional: e.optional === true,
      devOptional: e.devOptional === true,
      peer: e.peer === true,
      deps: [...depNames(e.dependencies), ...depNames(e.optionalDependencies), ...depNames(e.peerDependencies)],
      realPath: key,
      paths: inNodeModules(key) ? [key] : [],
    });
  }
  // A directory outside node_modules (workspace, `file:` dependency) is a package only when
  // something links to it.
  const linked = new Set<string>();
  for (const [key, e] of entries) {
    if (e.link !== true) continue;
    const t = linkTarget(key);
    if (t === undefined) continue;
    linked.add(t);
    const n = nodes.get(t);
    if (!n) continue;
    n.paths.push(key);
    // A workspace's or `file:` directory's entry may omit `name`: it is installed under the link's name.
    if (typeof entries.get(t)!.name !== 'string' && !inNodeModules(t)) n.name = nameFromModulePath(key);
  }
  for (const key of [...nodes.keys()]) {
    if (!inNodeModules(key) && !linked.has(key)) nodes.delete(key);
  }

  const out = new LockCollector();
  const keyOf = new Map<string, string>();
  for (const [path, n] of nodes) {
    keyOf.set(path, out.add({ name: n.name, version: n.version, licenses: n.licenses, dev: n.dev, optional: n.optional, devOptional: n.devOptional, peer: n.peer, paths: n.paths, deps: [] }));
  }
  const has = (cand: string): string | undefined => {
    const t = linkTarget(cand);
    return t === undefined ? undefined : keyOf.get(t);
  };
  for (const [path, n] of nodes) {
    const deps: string[] = [];
    for (const d of n.deps) {
      const hit = resolveNodeModule(n.realPath, d, has);
      if (hit !== undefined) deps.push(hit);
    }
    out.addDeps(keyOf.get(path)!, deps);
  }
  // The root entry is not a package, but it says which packages the project itself depends on.
  const root = entries.get('');
  if (root) {
    for (const d of [...depNames(root.dependencies), ...depNames(root.devDependencies), ...depNames(root.optionalDependencies), ...depNames(root.peerDependencies)]) {
      const hit = resolveNodeModule('', d, has);
      if (hit !== undefined) out.markDirect(hit);
    }
  }
  return out.fact();
}

interface V1Entry {
  version?: unknown;
  dev?: unknown;
  optional?: unknown;
  requires?: unknown;
  dependencies?: unknown;
}

function parseV1(tree: unknown): LockFact {
  const nodes = new Map<string, { name: string; version: string; dev: boolean; optional: boolean; requires: string[] }>();
  const walk = (deps: unknown, prefix: string, depth: number) => {
    if (!isRecord(deps) || depth > 200) return;
    for (const [name, raw] of Object.entries(deps)) {
      if (!isRecord(raw)) continue;
      const e = raw as V1Entry;
      const key = `${prefix}node_modules/${name}`;
      walk(e.dependencies, `${key}/`, depth + 1);
      if (typeof e.version !== 'string') continue;
      // `npm:real@1.0.0` aliases; git, tarball and file dependencies carry a URL or spec instead of a
      // version in v1 and are left out.
      const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(e.version);
      const version = alias ? alias[2]! : e.version;
      if (version === '' || version.includes(':')) continue;
      nodes.set(key, { name: alias ? alias[1]! : name, version, dev: e.dev === true, optional: e.optional === true, requires: depNames(e.requires) });
    }
  };
  walk(tree, '', 0);
  const out = new LockCollector();
  const keyOf = new Map<string, string>();
  for (const [path, n] of nodes) keyOf.set(path, out.add({ name: n.name, version: n.version, dev: n.dev, optional: n.optional, paths: [path], deps: [] }));
  const has = (cand: string) => keyOf.get(cand);
  for (const [path, n] of nodes) {
    const deps: string[] = [];
    for (const d of n.requires) {
      const hit = resolveNodeModule(path, d, has);
      if (hit !== undefined) deps.push(hit);
    }
    out.addDeps(keyOf.get(path)!, deps);
  }
  return out.fact();
}
