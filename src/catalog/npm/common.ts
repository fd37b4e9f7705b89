/** Types and helpers shared by the JavaScript catalogers (npm, yarn, pnpm, installed node_modules). */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { isRecord } from '../../core/index.js';

/**
 * One package of a lockfile. Copies with the same name and version are merged into one entry:
 * a lockfile is one location, so two identical purls from it would say nothing more.
 */
export interface LockedPackage {
  /** `name@version`, unique within its lockfile; `deps` refer to these keys. */
  key: string;
  name: string;
  version: string;
  /** SPDX-normalised, when the lockfile records licenses (package-lock v2/v3). */
  licenses?: string[];
  /** Only in the dev dependency tree. */
  dev?: boolean;
  /** Only in the optional dependency tree. */
  optional?: boolean;
  /** package-lock `devOptional`: a dev dependency that prod also reaches, optionally. */
  devOptional?: boolean;
  /** Installed to satisfy a peer dependency (package-lock v2/v3). */
  peer?: boolean;
  /** A dependency declared by the project itself (when the lockfile records the root's deps). */
  direct?: boolean;
  /** Paths of its copies relative to the project (`node_modules/a/node_modules/b`), package-lock only. */
  paths?: string[];
  deps: string[];
}

export interface LockFact {
  packages: LockedPackage[];
}

/** Purl of an npm package: a scope becomes the namespace (`pkg:npm/%40scope/name@1.0.0`). */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  if (slash > 0) return new PackageURL('npm', name.slice(0, slash), name.slice(slash + 1), version, undefined, undefined).toString();
  return new PackageURL('npm', undefined, name, version, undefined, undefined).toString();
}

/** `license` as a string, the legacy `{type}` object, or the legacy `licenses` array. */
export function npmLicenses(doc: { license?: unknown; licenses?: unknown }): string[] {
  const raw: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string') raw.push(v);
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') raw.push((v as { type: string }).type);
  };
  take(doc.license);
  if (Array.isArray(doc.licenses)) doc.licenses.forEach(take);
  else take(doc.licenses);
  // `SEE LICENSE IN <file>` names a file, not a license.
  return normaliseLicenses(raw.map((r) => (/^SEE LICEN[CS]E IN /i.test(r) ? undefined : r)));
}

/**
 * Node's module lookup (`require.resolve` from a package directory): `<dir>/node_modules/<dep>`
 * for `fromDir` and each ancestor, nearest first, skipping directories that are themselves named
 * `node_modules`. `has` says whether a candidate directory holds a package and may map it to
 * another one (a symlink's target); the first hit wins.
 */
export function resolveNodeModule(fromDir: string, dep: string, has: (dir: string) => string | undefined): string | undefined {
  let dir = fromDir;
  for (;;) {
    if (!(dir === 'node_modules' || dir.endsWith('/node_modules'))) {
      const hit = has(dir === '' ? `node_modules/${dep}` : `${dir}/node_modules/${dep}`);
      if (hit !== undefined) return hit;
    }
    if (dir === '') return undefined;
    dir = dirname(dir);
  }
}

/** Package name from a `…/node_modules/<name>` path (scoped or not). */
export function nameFromModulePath(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  return i >= 0 ? path.slice(i + 'node_modules/'.length) : path;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Whether a root-relative path lies inside some `node_modules` directory. */
export function inNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

/**
 * The project directory an installed package belongs to: the directory holding the outermost
 * `node_modules` on its path (`app` for `app/node_modules/a/node_modules/b`).
 */
export function projectDirOf(path: string): string {
  if (path.startsWith('node_modules/')) return '';
  const i = path.indexOf('/node_modules/');
  return i < 0 ? dirname(path) : path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  return dir === '' ? rel : `${dir}/${rel}`;
}

export function parseJsonObject(buf: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error(`${what} is not a JSON object`);
  return doc;
}

/** Keys of a `{name: range}` map, or none when it is not an object. */
export function depNames(v: unknown): string[] {
  return isRecord(v) ? Object.keys(v) : [];
}

/**
 * Collects locked packages, merging copies with the same name and version (flags: a package is
 * dev/optional/peer only when every copy is; deps, paths and licenses are unioned).
 */
export class LockCollector {
  private readonly byKey = new Map<string, LockedPackage>();
  private readonly flags = new Map<string, { dev: boolean; optional: boolean; devOptional: boolean; peer: boolean }>();

  add(p: Omit<LockedPackage, 'key'>): string {
    const key = `${p.name}@${p.version}`;
    const prev = this.byKey.get(key);
    const f = { dev: !!p.dev, optional: !!p.optional, devOptional: !!p.devOptional, peer: !!p.peer };
    if (!prev) {
      this.byKey.set(key, { key, name: p.name, version: p.version, deps: [], ...(p.licenses?.length ? { licenses: [...p.licenses] } : {}), ...(p.direct ? { direct: true } : {}), ...(p.paths ? { paths: [...p.paths] } : {}) });
      this.flags.set(key, f);
    } else {
      const pf = this.flags.get(key)!;
      pf.dev &&= f.dev;
      pf.optional &&= f.optional;
      pf.devOptional &&= f.devOptional;
      pf.peer &&= f.peer;
      if (p.direct) prev.direct = true;
      for (const l of p.licenses ?? []) if (!(prev.licenses ??= []).includes(l)) prev.licenses.push(l);
      for (const x of p.paths ?? []) if (!(prev.paths ??= []).includes(x)) prev.paths.push(x);
    }
    this.addDeps(key, p.deps);
    return key;
  }

  addDeps(key: string, deps: readonly string[]): void {
    const p = this.byKey.get(key);
    if (!p) return;
    for (const d of deps) if (d !== key && !p.deps.includes(d)) p.deps.push(d);
  }

  markDirect(key: string): void {
    const p = this.byKey.get(key);
    if (p) p.direct = true;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  fact(): LockFact {
    const packages: LockedPackage[] = [];
    for (const [key, p] of this.byKey) {
      const f = this.flags.get(key)!;
      packages.push({
        ...p,
        ...(f.dev ? { dev: true } : {}),
        ...(f.optional ? { optional: true } : {}),
        ...(f.devOptional ? { devOptional: true } : {}),
        ...(f.peer ? { peer: true } : {}),
      });
    }
    return { packages };
  }
}

/** Flat string metadata for a locked package's flags. */
export function lockMetadata(p: Pick<LockedPackage, 'dev' | 'optional' | 'devOptional' | 'peer' | 'direct'>): Record<string, string> {
  const meta: Record<string, string> = {};
  if (p.dev) meta.dev = 'true';
  if (p.optional) meta.optional = 'true';
  if (p.devOptional) meta.devOptional = 'true';
  if (p.peer) meta.peer = 'true';
  if (p.direct) meta.direct = 'true';
  return meta;
}
