/**
 * Installed npm packages: `node_modules/<name>/package.json` and
 * `node_modules/@scope/<name>/package.json` at any depth — project trees written by npm, yarn
 * (node-modules linker) or pnpm (`node_modules/.pnpm/<id>/node_modules/<name>`), and global
 * installs (`usr/lib/node_modules`, `usr/local/lib/node_modules`).
 *
 * This cataloger is authoritative for a project that has an installed tree; the lock catalogers
 * then stand aside (see lockfiles.ts). It reads the project's lockfile too (and npm's hidden
 * `node_modules/.package-lock.json`), only to add the lock as a second location of each installed
 * copy the lock lists, with the lock's dev/optional/peer/direct flags: one entry per installed copy,
 * carrying both pieces of evidence. The project's own `package.json` is reported as the
 * application package (see application.ts), depending on what it names that is installed.
 */
import { isPortcullisError } from '../../core/index.js';
import { defineCataloger, type AssembleContext, type CatalogFile, type Fact, type PackageDraft } from '../types.js';
import { APPLICATION_KEY, isApplicationManifest } from './application.js';
import { basename, depNames, dirname, inNodeModules, lockMetadata, nameFromModulePath, npmLicenses, npmPurl, parseJsonObject, projectDirOf, resolveNodeModule, type LockedPackage, type LockFact } from './common.js';
import { isFileNamed, isNpmLockPath, isPnpmLockPath, isYarnLockPath } from './lockfiles.js';
import { parsePackageLock } from './parse-package-lock.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';
import { parseYarnLock } from './parse-yarn-lock.js';

interface ManifestFact {
  kind: 'package';
  name: string;
  version: string;
  licenses: string[];
  /** dependencies, optionalDependencies and peerDependencies names (and devDependencies of a project). */
  deps: string[];
  /** The project's own manifest (outside node_modules), not an installed package. */
  application?: boolean;
  private?: boolean;
}

interface LockfileFact {
  kind: 'lock';
  /** npm locks are matched by install path; yarn and pnpm locks by name and version. */
  byPath: boolean;
  /** npm's hidden lockfile: flags only, not a location. */
  hidden: boolean;
  lock: LockFact;
}

type InstalledFact = ManifestFact | LockfileFact;

/** Whether a path is `…node_modules/<name>/package.json` or `…node_modules/@scope/<name>/package.json`. */
export function isInstalledManifest(path: string): boolean {
  if (!isFileNamed(path, 'package.json')) return false;
  const parts = path.split('/');
  const n = parts.length;
  if (n >= 3 && parts[n - 3] === 'node_modules') return !parts[n - 2]!.startsWith('.') && !parts[n - 2]!.startsWith('@');
  return n >= 4 && parts[n - 4] === 'node_modules' && parts[n - 3]!.startsWith('@') && !parts[n - 2]!.startsWith('.');
}

function isHiddenLock(path: string): boolean {
  return isFileNamed(path, '.package-lock.json') && basename(dirname(path)) === 'node_modules';
}

function parseInstalled(file: CatalogFile): InstalledFact | null {
  const { path } = file;
  const application = isApplicationManifest(path);
  if (application || isInstalledManifest(path)) {
    const doc = parseJsonObject(file.content, 'package.json');
    // A package.json without name and version is not a package (a build stub, a fixture).
    if (typeof doc.name !== 'string' || typeof doc.version !== 'string' || doc.name === '' || doc.version === '') return null;
    const dev = application ? depNames(doc.devDependencies) : [];
    return {
      kind: 'package',
      name: doc.name,
      version: doc.version,
      licenses: npmLicenses(doc),
      deps: [...new Set([...depNames(doc.dependencies), ...depNames(doc.optionalDependencies), ...depNames(doc.peerDependencies), ...dev])],
      ...(application ? { application: true } : {}),
      ...(application && doc.private === true ? { private: true } : {}),
    };
  }
  // A lockfile the lock catalogers also parse: when it is malformed they report it as an unknown,
  // so here it is simply not used as a second location.
  try {
    if (isHiddenLock(path)) return { kind: 'lock', byPath: true, hidden: true, lock: parsePackageLock(file.content) };
    if (isNpmLockPath(path)) return { kind: 'lock', byPath: true, hidden: false, lock: parsePackageLock(file.content) };
    if (isYarnLockPath(path)) return { kind: 'lock', byPath: false, hidden: false, lock: parseYarnLock(file.content) };
    if (isPnpmLockPath(path)) return { kind: 'lock', byPath: false, hidden: false, lock: parsePnpmLock(file.content) };
  } catch {
    return null;
  }
  return null;
}

/**
 * Whether an installed package directory is part of an install tree: its `node_modules` sits in
 * a project (a directory outside any node_modules), in another installed package, or in a package
 * manager's store (`node_modules/.pnpm/<id>`). This leaves out test fixtures shipped inside
 * packages (`node_modules/resolve/test/resolver/node_modules/x`), which `npm ls` does not list.
 */
function isInInstallTree(dir: string, ctx: AssembleContext<InstalledFact>): boolean {
  const holder = dirname(dirname(nameFromModulePath(dir).startsWith('@') ? dirname(dir) : dir));
  if (!inNodeModules(holder)) return true;
  const below = nameFromModulePath(holder);
  if (below.startsWith('.')) return true;
  const segments = below.split('/').length;
  const isPackageDir = segments === 1 || (segments === 2 && below.startsWith('@'));
  return isPackageDir && ctx.entry(`${holder}/package.json`) !== undefined;
}

interface ProjectLocks {
  path: string;
  layer: number;
  fact: LockfileFact;
  /** install path or `name@version` → locked package */
  index: Map<string, LockedPackage>;
}

function assembleInstalled(facts: Fact<InstalledFact>[], ctx: AssembleContext<InstalledFact>): PackageDraft[] {
  const dirs = new Map<string, Fact<ManifestFact>>();
  const apps: Fact<ManifestFact>[] = [];
  const locks = new Map<string, ProjectLocks[]>();
  for (const f of facts) {
    if (f.value.kind === 'package' && f.value.application) {
      apps.push(f as Fact<ManifestFact>);
      continue;
    }
    if (f.value.kind === 'package') {
      const dir = dirname(f.path);
      if (isInInstallTree(dir, ctx)) dirs.set(dir, f as Fact<ManifestFact>);
      continue;
    }
    const lf = f.value;
    const project = lf.hidden ? dirname(dirname(f.path)) : dirname(f.path);
    const index = new Map<string, LockedPackage>();
    for (const p of lf.lock.packages) {
      if (lf.byPath) for (const path of p.paths ?? []) index.set(path, p);
      else index.set(p.key, p);
    }
    const list = locks.get(project) ?? [];
    list.push({ path: f.path, layer: f.layer, fact: lf, index });
    // Project locks first: their flags win over the hidden lock's.
    list.sort((a, b) => Number(a.fact.hidden) - Number(b.fact.hidden));
    locks.set(project, list);
  }

  const appKeys = new Map(apps.map((f) => [dirname(f.path), `${f.path}#application`]));
  // A candidate directory holds a package if a manifest was parsed there, or if it is a symlink
  // (pnpm, workspaces) to one.
  const has = (cand: string): string | undefined => {
    if (dirs.has(cand)) return cand;
    if (ctx.entry(cand)?.type !== 'symlink') return undefined;
    let hit: Fact<InstalledFact> | undefined;
    try {
      hit = ctx.factAt(`${cand}/package.json`);
    } catch (err) {
      // A symlink loop in the image: the dependency does not resolve, as in Node.
      if (isPortcullisError(err) && err.code === 'SYMLINK_LOOP') return undefined;
      throw err;
    }
    if (!hit) return undefined;
    const target = dirname(hit.path);
    // A workspace package linked into node_modules is one of the project's own packages.
    return dirs.has(target) ? target : appKeys.has(target) ? appKeys.get(target) : undefined;
  };

  const drafts: PackageDraft[] = [];
  for (const [dir, f] of dirs) {
    const { name, version } = f.value;
    const deps: string[] = [];
    for (const d of f.value.deps) {
      const hit = resolveNodeModule(dir, d, has);
      if (hit !== undefined && hit !== dir) deps.push(hit);
    }
    const locations = [{ path: f.path, layer: f.layer }];
    let flags: LockedPackage | undefined;
    const project = projectDirOf(dir);
    const rel = project === '' ? dir : dir.slice(project.length + 1);
    for (const l of locks.get(project) ?? []) {
      const p = l.index.get(l.fact.byPath ? rel : `${name}@${version}`);
      if (!p || p.name !== name || p.version !== version) continue;
      flags ??= p;
      if (!l.fact.hidden) locations.push({ path: l.path, layer: l.layer });
    }
    const meta = flags ? lockMetadata(flags) : {};
    drafts.push({
      name,
      version,
      type: 'npm',
      purl: npmPurl(name, version),
      licenses: f.value.licenses,
      locations,
      key: dir,
      dependsOn: deps,
      ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}),
    });
  }
  for (const f of apps) {
    const dir = dirname(f.path);
    const self = appKeys.get(dir);
    const deps = [...new Set(f.value.deps.flatMap((d) => resolveNodeModule(dir, d, has) ?? []))].filter((k) => k !== self);
    drafts.push({
      name: f.value.name,
      version: f.value.version,
      type: 'npm',
      purl: npmPurl(f.value.name, f.value.version),
      licenses: f.value.licenses,
      locations: [{ path: f.path, layer: f.layer }],
      key: self,
      dependsOn: deps,
      metadata: { [APPLICATION_KEY]: 'true', ...(f.value.private ? { private: 'true' } : {}) },
    });
  }
  return drafts;
}

export const npmInstalledCataloger = defineCataloger<InstalledFact>({
  id: 'npm-installed',
  version: 3,
  tags: ['language', 'installed', 'image', 'directory'],
  wants: (f) => isInstalledManifest(f.path) || isApplicationManifest(f.path) || isHiddenLock(f.path) || isNpmLockPath(f.path) || isYarnLockPath(f.path) || isPnpmLockPath(f.path),
  parse: parseInstalled,
  assemble: assembleInstalled,
});
