/**
 * npm, yarn and pnpm lockfiles. A lockfile is skipped when its project directory has an
 * installed `node_modules` in the merged view: the installed packages are then reported by the
 * npm-installed cataloger, which sees what is really there (a lock may list packages that were
 * pruned or never installed), and the same copy is not reported twice.
 */
import { parse as parseYaml } from 'yaml';
import { defineCataloger, type AssembleContext, type PackageDraft } from '../types.js';
import { dirname, nameFromModulePath, npmPurl, parseJsonObject, resolveNodeModule } from './common.js';

/** One locked package, keyed by something unique within its lockfile. */
interface LockedPackage {
  key: string;
  name: string;
  version: string;
  dev?: boolean;
  optional?: boolean;
  /** Keys of the locked packages it depends on. */
  deps: string[];
}

interface LockFact {
  packages: LockedPackage[];
}

function inNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

function hasInstalledModules<F>(ctx: AssembleContext<F>, lockPath: string): boolean {
  const dir = dirname(lockPath);
  const e = ctx.entry(dir ? `${dir}/node_modules` : 'node_modules');
  return e !== undefined && e.type === 'dir';
}

function assembleLock(facts: { path: string; layer: number; value: LockFact }[], ctx: AssembleContext<LockFact>): PackageDraft[] {
  const drafts: PackageDraft[] = [];
  for (const f of facts) {
    if (hasInstalledModules(ctx, f.path)) continue;
    for (const p of f.value.packages) {
      const d: PackageDraft = {
        name: p.name,
        version: p.version,
        type: 'npm',
        purl: npmPurl(p.name, p.version),
        licenses: [],
        locations: [{ path: f.path, layer: f.layer }],
        key: `${f.path}#${p.key}`,
        dependsOn: p.deps.map((k) => `${f.path}#${k}`),
      };
      const meta: Record<string, string> = {};
      if (p.dev) meta.dev = 'true';
      if (p.optional) meta.optional = 'true';
      if (Object.keys(meta).length) d.metadata = meta;
      drafts.push(d);
    }
  }
  return drafts;
}

// ---- package-lock.json / npm-shrinkwrap.json -------------------------------------------------

interface V2Entry {
  name?: string;
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface V1Entry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  requires?: Record<string, string>;
  dependencies?: Record<string, V1Entry>;
}

/** Parses package-lock v1, v2 and v3 into locked packages with resolved edges. */
export function parsePackageLock(buf: Buffer): LockFact {
  const doc = parseJsonObject(buf, 'package-lock.json');
  let entries: Record<string, V2Entry>;
  if (doc.packages && typeof doc.packages === 'object') {
    entries = doc.packages as Record<string, V2Entry>;
  } else {
    // v1: flatten the nested tree into v2-style keys.
    entries = {};
    const walk = (deps: Record<string, V1Entry> | undefined, prefix: string) => {
      for (const [name, e] of Object.entries(deps ?? {})) {
        const key = `${prefix}node_modules/${name}`;
        entries[key] = { version: e.version ?? '', dev: e.dev, optional: e.optional, dependencies: e.requires };
        walk(e.dependencies, `${key}/`);
      }
    };
    walk(doc.dependencies as Record<string, V1Entry>, '');
  }
  const has = (k: string) => k in entries && !entries[k]!.link;
  const packages: LockedPackage[] = [];
  for (const [key, e] of Object.entries(entries)) {
    if (key === '' || !key.includes('node_modules/') || e.link) continue;
    const version = e.version ?? '';
    // v1 entries of git/file dependencies carry a URL as version; keep semver-like versions only.
    if (!version || version.includes('://') || version.startsWith('file:')) continue;
    const name = e.name ?? nameFromModulePath(key);
    const deps: string[] = [];
    for (const dep of Object.keys({ ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies })) {
      const hit = resolveNodeModule(key, dep, has);
      if (hit && hit !== key) deps.push(hit);
    }
    packages.push({ key, name, version, ...(e.dev || e.devOptional ? { dev: true } : {}), ...(e.optional ? { optional: true } : {}), deps });
  }
  return { packages };
}

export const npmLockCataloger = defineCataloger<LockFact>({
  id: 'npm-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants: (f) => (f.path.endsWith('package-lock.json') || f.path.endsWith('npm-shrinkwrap.json')) && /(^|\/)(package-lock|npm-shrinkwrap)\.json$/.test(f.path) && !inNodeModules(f.path),
  parse: (file) => parsePackageLock(file.content),
  assemble: assembleLock,
});

// ---- yarn.lock ---------------------------------------------------------------------------------

/** `name@range` → name (handles scopes and `alias@npm:real@range`). */
function specName(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0 ? spec : spec.slice(0, at);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** yarn.lock v1 (its own indented format) or berry (YAML with `__metadata`). */
export function parseYarnLock(buf: Buffer): LockFact {
  const text = buf.toString('utf8');
  const blocks: { specs: string[]; name: string; version: string; deps: string[] }[] = [];
  if (/^__metadata:/m.test(text)) {
    const doc = parseYaml(text, { maxAliasCount: 100 }) as Record<string, { version?: string; resolution?: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>;
    for (const [header, e] of Object.entries(doc ?? {})) {
      if (header === '__metadata' || !e || typeof e !== 'object') continue;
      if (e.resolution?.includes('@workspace:') || e.resolution?.includes('@link:') || e.resolution?.includes('@portal:')) continue;
      const specs = header.split(',').map((s) => unquote(s));
      const name = e.resolution ? specName(e.resolution) : specName(specs[0]!);
      const deps = Object.entries(e.dependencies ?? {}).map(([n, r]) => `${n}@${r}`);
      if (e.version) blocks.push({ specs, name, version: String(e.version), deps });
    }
  } else {
    let cur: { specs: string[]; name: string; version: string; deps: string[] } | undefined;
    let inDeps = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (!line.startsWith(' ')) {
        if (cur) blocks.push(cur);
        const specs = line.replace(/:\s*$/, '').split(',').map(unquote).filter(Boolean);
        const first = specs[0] ?? '';
        const npmAlias = /@npm:(.+)$/.exec(first);
        cur = { specs, name: npmAlias ? specName(npmAlias[1]!) : specName(first), version: '', deps: [] };
        inDeps = false;
        continue;
      }
      if (!cur) continue;
      const indent = line.length - line.trimStart().length;
      const t = line.trim();
      if (indent === 2) {
        inDeps = t === 'dependencies:' || t === 'optionalDependencies:';
        const m = /^version:?\s+"?([^"]+)"?$/.exec(t);
        if (m) cur.version = m[1]!;
      } else if (indent >= 4 && inDeps) {
        const m = /^("?[^\s"]+"?)\s+"?([^"]+)"?$/.exec(t);
        if (m) cur.deps.push(`${unquote(m[1]!)}@${m[2]}`);
      }
    }
    if (cur) blocks.push(cur);
  }
  const bySpec = new Map<string, string>();
  blocks.forEach((b, i) => {
    for (const s of b.specs) {
      bySpec.set(s, String(i));
      bySpec.set(s.replace('@npm:', '@'), String(i));
    }
  });
  return {
    packages: blocks
      .filter((b) => b.version)
      .map((b) => ({
        key: String(blocks.indexOf(b)),
        name: b.name,
        version: b.version,
        deps: b.deps.map((d) => bySpec.get(d) ?? bySpec.get(d.replace('@', '@npm:'))).filter((x): x is string => x !== undefined),
      })),
  };
}

export const yarnLockCataloger = defineCataloger<LockFact>({
  id: 'yarn-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants: (f) => (f.path === 'yarn.lock' || f.path.endsWith('/yarn.lock')) && !inNodeModules(f.path),
  parse: (file) => parseYarnLock(file.content),
  assemble: assembleLock,
});

// ---- pnpm-lock.yaml ----------------------------------------------------------------------------

/** Splits a pnpm package key of lockfile v5 (`/name/1.0.0_peer`), v6 (`/name@1.0.0(peer)`) or v9 (`name@1.0.0(peer)`). */
export function parsePnpmKey(key: string): { name: string; version: string } | undefined {
  const k = (key.startsWith('/') ? key.slice(1) : key).replace(/\(.*$/, '');
  // v5: `name/version[_peers]` (name may be scoped).
  const v5 = /^((?:@[^/@]+\/)?[^/@]+)\/([^/]+)$/.exec(k);
  if (v5) return { name: v5[1]!, version: v5[2]!.replace(/_.*$/, '') };
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at > 0) return { name: k.slice(0, at), version: k.slice(at + 1) };
  return undefined;
}

interface PnpmEntry {
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export function parsePnpmLock(buf: Buffer): LockFact {
  const doc = parseYaml(buf.toString('utf8'), { maxAliasCount: 100 }) as { lockfileVersion?: string | number; packages?: Record<string, PnpmEntry>; snapshots?: Record<string, PnpmEntry> };
  if (!doc || typeof doc !== 'object') throw new Error('pnpm-lock.yaml is not a YAML mapping');
  const major = Number(String(doc.lockfileVersion ?? '0').split('.')[0]);
  const entries = doc.snapshots ?? doc.packages ?? {};
  const keyFor = (name: string, ref: string): string => {
    if (ref.startsWith('link:') || ref.startsWith('file:')) return '';
    if (major >= 9) return `${name}@${ref}`;
    if (major >= 6) return ref.startsWith('/') ? ref : `/${name}@${ref}`;
    return ref.startsWith('/') ? ref : `/${name}/${ref}`;
  };
  const packages: LockedPackage[] = [];
  for (const [key, e] of Object.entries(entries)) {
    const id = parsePnpmKey(key);
    if (!id || !id.version || /^(link|file|workspace):/.test(id.version)) continue;
    const deps = Object.entries({ ...e?.dependencies, ...e?.optionalDependencies })
      .map(([n, r]) => keyFor(n, String(r)))
      .filter((k) => k !== '' && k in entries);
    const base = doc.packages?.[key.replace(/\(.*$/, '')] ?? e;
    packages.push({ key, name: id.name, version: id.version, ...(base?.dev ? { dev: true } : {}), ...(base?.optional ? { optional: true } : {}), deps });
  }
  return { packages };
}

export const pnpmLockCataloger = defineCataloger<LockFact>({
  id: 'pnpm-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants: (f) => (f.path === 'pnpm-lock.yaml' || f.path.endsWith('/pnpm-lock.yaml')) && !inNodeModules(f.path),
  parse: (file) => parsePnpmLock(file.content),
  assemble: assembleLock,
});
