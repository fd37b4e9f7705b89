/** PHP: `composer.lock` (packages and packages-dev) and installed `vendor/composer/installed.json` (v1 and v2). */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';

interface ComposerPackage {
  name: string;
  version: string;
  licenses: string[];
  requires: string[];
  dev?: boolean;
}

type Raw = { name?: string; version?: string; license?: string[] | string; require?: Record<string, string> };

function convert(list: Raw[] | undefined, dev: boolean): ComposerPackage[] {
  return (list ?? [])
    .filter((p) => p && typeof p.name === 'string' && typeof p.version === 'string')
    .map((p) => ({
      name: p.name!,
      version: p.version!,
      licenses: normaliseLicenses(Array.isArray(p.license) ? p.license : p.license ? [p.license] : []),
      requires: Object.keys(p.require ?? {}).filter((r) => r.includes('/')),
      ...(dev ? { dev: true } : {}),
    }));
}

export function parseComposerLock(text: string): ComposerPackage[] {
  const doc = JSON.parse(text) as { packages?: Raw[]; 'packages-dev'?: Raw[] };
  return [...convert(doc.packages, false), ...convert(doc['packages-dev'], true)];
}

export function parseInstalledJson(text: string): ComposerPackage[] {
  const doc = JSON.parse(text) as Raw[] | { packages?: Raw[]; 'dev-package-names'?: string[] };
  if (Array.isArray(doc)) return convert(doc, false);
  const dev = new Set(doc['dev-package-names'] ?? []);
  return convert(doc.packages, false).map((p) => (dev.has(p.name) ? { ...p, dev: true } : p));
}

function purl(name: string, version: string): string {
  const [vendor, pkg] = name.split('/', 2) as [string, string | undefined];
  return new PackageURL('composer', pkg ? vendor : undefined, pkg ?? vendor, version, undefined, undefined).toString();
}

function assemble(facts: { path: string; layer: number; value: ComposerPackage[] }[]): PackageDraft[] {
  const drafts: PackageDraft[] = [];
  for (const f of facts) {
    const names = new Set(f.value.map((p) => p.name));
    for (const p of f.value) {
      drafts.push({
        name: p.name,
        version: p.version,
        type: 'composer',
        purl: purl(p.name, p.version),
        licenses: p.licenses,
        locations: [{ path: f.path, layer: f.layer }],
        key: `${f.path}#${p.name}`,
        dependsOn: p.requires.filter((r) => names.has(r)).map((r) => `${f.path}#${r}`),
        ...(p.dev ? { metadata: { dev: 'true' } } : {}),
      });
    }
  }
  return drafts;
}

export const composerLockCataloger = defineCataloger<ComposerPackage[]>({
  id: 'composer-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants: (f) => (f.path === 'composer.lock' || f.path.endsWith('/composer.lock')) && !f.path.includes('/vendor/'),
  parse: (file) => parseComposerLock(file.content.toString('utf8')),
  assemble,
});

export const composerInstalledCataloger = defineCataloger<ComposerPackage[]>({
  id: 'composer-installed',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  wants: (f) => f.path.endsWith('vendor/composer/installed.json'),
  parse: (file) => parseInstalledJson(file.content.toString('utf8')),
  assemble,
});
