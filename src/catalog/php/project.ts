/**
 * A PHP project's own package from its `composer.json`, when it declares both `name`
 * (`vendor/package`) and `version`. Composer advises against a `version` field for packages
 * published from version control, so most projects have none and are not reported: their
 * version is only known to the VCS. Manifests under `vendor/` are the dependencies' own.
 */
import { PackageURL } from 'packageurl-js';
import { APPLICATION_METADATA, baseName, isSystemPath } from '../application.js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';

export interface ComposerProject {
  name: string;
  version: string;
  licenses: string[];
}

export function parseComposerJson(text: string): ComposerProject | null {
  const doc = JSON.parse(text) as { name?: unknown; version?: unknown; license?: unknown };
  if (typeof doc !== 'object' || doc === null) return null;
  if (typeof doc.name !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(doc.name) || typeof doc.version !== 'string' || doc.version.trim() === '') return null;
  const raw = Array.isArray(doc.license) ? doc.license.filter((l): l is string => typeof l === 'string') : typeof doc.license === 'string' ? [doc.license] : [];
  // Composer names are lowercase; a leading `v` is not part of the version (`v1.2.0` = 1.2.0).
  return { name: doc.name.toLowerCase(), version: doc.version.trim().replace(/^v(?=\d)/, ''), licenses: normaliseLicenses(raw) };
}

export const composerProjectCataloger = defineCataloger<ComposerProject>({
  id: 'composer-project',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (f) => baseName(f.path) === 'composer.json' && !f.path.includes('vendor/') && !isSystemPath(f.path),
  parse: (file) => parseComposerJson(file.content.toString('utf8')),
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const [vendor, pkg] = f.value.name.split('/') as [string, string];
      drafts.push({
        name: f.value.name,
        version: f.value.version,
        type: 'composer',
        purl: new PackageURL('composer', vendor, pkg, f.value.version, undefined, undefined).toString(),
        licenses: f.value.licenses,
        locations: [{ path: f.path, layer: f.layer }],
        metadata: { ...APPLICATION_METADATA },
      });
    }
    return drafts;
  },
});
