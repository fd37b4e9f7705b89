/**
 * Lockfile catalogers: npm (`package-lock.json`, `npm-shrinkwrap.json`), yarn (`yarn.lock`) and
 * pnpm (`pnpm-lock.yaml`). Locks inside `node_modules` belong to some dependency, not to the
 * project, and are not wanted.
 *
 * One package, one entry: when the lock's project directory also has an installed tree
 * (`<project>/node_modules` holding any package the lock names, or a package manager's
 * bookkeeping file there), the lock is left to the npm-installed cataloger. The installed tree is
 * what is really in the image — a lock also lists dev dependencies pruned by `--omit=dev` and
 * optional packages for other platforms that were never installed — and the installed cataloger
 * reads the same lock to add it as a second location, with the lock's dev/optional/peer flags, to
 * each installed copy it lists. Without an installed tree (yarn PnP, a lock copied alone, a
 * source tree) the lock is the only evidence and is reported here.
 */
import { defineCataloger, type AssembleContext, type Fact, type FileCandidate, type PackageDraft } from '../types.js';
import { dirname, inNodeModules, joinPath, lockMetadata, npmPurl, type LockFact } from './common.js';
import { parsePackageLock } from './parse-package-lock.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';
import { parseYarnLock } from './parse-yarn-lock.js';

/** Whether `path` is a file called `name` (at the root or in any directory). */
export function isFileNamed(path: string, name: string): boolean {
  return path.endsWith(name) && (path.length === name.length || path[path.length - name.length - 1] === '/');
}

export function isNpmLockPath(path: string): boolean {
  return (isFileNamed(path, 'package-lock.json') || isFileNamed(path, 'npm-shrinkwrap.json')) && !inNodeModules(path);
}

export function isYarnLockPath(path: string): boolean {
  return isFileNamed(path, 'yarn.lock') && !inNodeModules(path);
}

export function isPnpmLockPath(path: string): boolean {
  return isFileNamed(path, 'pnpm-lock.yaml') && !inNodeModules(path);
}

/** Files package managers write into a `node_modules` they installed. */
const INSTALL_MARKERS = ['.package-lock.json', '.modules.yaml', '.pnpm', '.yarn-integrity', '.yarn-state.yml'];

/** Whether the lock at `lockPath` has an installed `node_modules` beside it (see the module doc). */
export function hasInstalledTree<F>(ctx: AssembleContext<F>, lockPath: string, lock: LockFact): boolean {
  const modules = joinPath(dirname(lockPath), 'node_modules');
  const e = ctx.entry(modules);
  if (e === undefined || e.type === 'file') return false;
  for (const m of INSTALL_MARKERS) if (ctx.entry(`${modules}/${m}`) !== undefined) return true;
  for (const p of lock.packages) if (ctx.entry(`${modules}/${p.name}`) !== undefined) return true;
  return false;
}

function assembleLock(facts: Fact<LockFact>[], ctx: AssembleContext<LockFact>): PackageDraft[] {
  const drafts: PackageDraft[] = [];
  for (const f of facts) {
    if (hasInstalledTree(ctx, f.path, f.value)) continue;
    for (const p of f.value.packages) {
      const meta = lockMetadata(p);
      drafts.push({
        name: p.name,
        version: p.version,
        type: 'npm',
        purl: npmPurl(p.name, p.version),
        licenses: p.licenses ?? [],
        locations: [{ path: f.path, layer: f.layer }],
        key: `${f.path}#${p.key}`,
        dependsOn: p.deps.map((k) => `${f.path}#${k}`),
        ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}),
      });
    }
  }
  return drafts;
}

const TAGS = ['language', 'declared', 'image', 'directory'] as const;

export const npmLockCataloger = defineCataloger<LockFact>({
  id: 'npm-lock',
  version: 2,
  tags: TAGS,
  wants: (f: FileCandidate) => isNpmLockPath(f.path),
  parse: (file) => parsePackageLock(file.content),
  assemble: assembleLock,
});

export const yarnLockCataloger = defineCataloger<LockFact>({
  id: 'yarn-lock',
  version: 2,
  tags: TAGS,
  wants: (f: FileCandidate) => isYarnLockPath(f.path),
  parse: (file) => parseYarnLock(file.content),
  assemble: assembleLock,
});

export const pnpmLockCataloger = defineCataloger<LockFact>({
  id: 'pnpm-lock',
  version: 2,
  tags: TAGS,
  wants: (f: FileCandidate) => isPnpmLockPath(f.path),
  parse: (file) => parsePnpmLock(file.content),
  assemble: assembleLock,
});
