/**
 * A Python project's own package from its `pyproject.toml`: the PEP 621 `[project]` table
 * (`name`, `version`), or Poetry's `[tool.poetry]` (Poetry before 2.0 keeps them there). A version
 * listed in `project.dynamic` (set by the build backend from git tags or a file) cannot be known
 * without building, so such a project is not reported. Files inside installed trees
 * (`site-packages`, `dist-packages`) and the system directories belong to other packages' sources.
 */
import { parse as parseToml } from 'smol-toml';
import { APPLICATION_METADATA, baseName, isSystemPath } from '../application.js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { pypiPurl } from './metadata.js';

export interface PythonProject {
  name: string;
  version: string;
  licenses: string[];
  /** Which table named it. */
  from: 'project' | 'tool.poetry';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** PEP 621 / PEP 639 `license`: an SPDX expression string, or a `{text}` table (a `{file}` names a file). */
function licenseOf(v: unknown): string[] {
  if (typeof v === 'string') return normaliseLicenses([v]);
  if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return normaliseLicenses([(v as { text: string }).text]);
  return [];
}

export function parsePyproject(text: string): PythonProject | null {
  const doc = parseToml(text) as { project?: Record<string, unknown>; tool?: { poetry?: Record<string, unknown> } };
  const project = doc.project;
  const poetry = doc.tool?.poetry;
  const name = str(project?.name) ?? str(poetry?.name);
  if (!name) return null;
  const dynamic = Array.isArray(project?.dynamic) && project.dynamic.includes('version');
  // Poetry 2 reads a dynamic [project] version from [tool.poetry].
  const version = (dynamic ? undefined : str(project?.version)) ?? str(poetry?.version);
  if (!version) return null;
  const from = str(project?.name) ? 'project' : 'tool.poetry';
  const licenses = licenseOf(project?.license);
  return { name, version, licenses: licenses.length > 0 ? licenses : licenseOf(poetry?.license), from };
}

export const pythonProjectCataloger = defineCataloger<PythonProject>({
  id: 'python-project',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (f) => baseName(f.path) === 'pyproject.toml' && !f.path.includes('site-packages/') && !f.path.includes('dist-packages/') && !isSystemPath(f.path),
  parse: (file) => parsePyproject(file.content.toString('utf8')),
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const p = f.value;
      drafts.push({
        name: p.name,
        version: p.version,
        type: 'pypi',
        purl: pypiPurl(p.name, p.version),
        licenses: p.licenses,
        locations: [{ path: f.path, layer: f.layer }],
        metadata: { ...APPLICATION_METADATA, ...(p.from === 'tool.poetry' ? { declaredIn: 'tool.poetry' } : {}) },
      });
    }
    return drafts;
  },
});
