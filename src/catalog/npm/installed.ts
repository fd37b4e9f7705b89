/**
 * Installed npm packages: `node_modules/<name>/package.json` at any depth (including scoped packages and global
 * installs under `usr/lib/node_modules`, `usr/local/lib/node_modules`).
 */
import { defineCataloger, type PackageDraft } from '../types.js';
import { dirname, npmLicenses, npmPurl, parseJsonObject, resolveNodeModule } from './common.js';

interface InstalledFact {
  name: string;
  version: string;
  licenses: string[];
  deps: string[];
  optionalDeps: string[];
}

/** Whether a path is `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`. */
export function isInstalledManifest(path: string): boolean {
  if (!path.endsWith('/package.json')) return false;
  const parts = path.split('/');
  const n = parts.length;
  if (n >= 3 && parts[n - 3] === 'node_modules' && !parts[n - 2]!.startsWith('@') && !parts[n - 2]!.startsWith('.')) return true;
  return n >= 4 && parts[n - 4] === 'node_modules' && parts[n - 3]!.startsWith('@');
}

export const npmInstalledCataloger = defineCataloger<InstalledFact>({
  id: 'npm-installed',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (f) => isInstalledManifest(f.path),
  parse(file) {
    const doc = parseJsonObject(file.content, 'package.json');
    if (typeof doc.name !== 'string' || typeof doc.version !== 'string' || doc.name === '' || doc.version === '') return null;
    const keys = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);
    return {
      name: doc.name,
      version: doc.version,
      licenses: npmLicenses(doc),
      deps: [...keys(doc.dependencies), ...keys(doc.peerDependencies)],
      optionalDeps: keys(doc.optionalDependencies),
    };
  },
  assemble(facts) {
    const dirs = new Map<string, (typeof facts)[number]>();
    for (const f of facts) dirs.set(dirname(f.path), f);
    const has = (d: string) => dirs.has(d);
    const drafts: PackageDraft[] = [];
    for (const [dir, f] of dirs) {
      const deps: string[] = [];
      for (const d of [...f.value.deps, ...f.value.optionalDeps]) {
        const hit = resolveNodeModule(dir, d, has);
        if (hit && hit !== dir) deps.push(hit);
      }
      drafts.push({
        name: f.value.name,
        version: f.value.version,
        type: 'npm',
        purl: npmPurl(f.value.name, f.value.version),
        licenses: f.value.licenses,
        locations: [{ path: f.path, layer: f.layer }],
        key: dir,
        dependsOn: deps,
      });
    }
    return drafts;
  },
});
