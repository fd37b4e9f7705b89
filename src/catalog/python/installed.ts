/**
 * Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, single-file
 * `*.egg-info` (as Debian ships some), with `requires.txt` of egg-info directories for edges.
 */
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { normaliseName, parseCoreMetadata, pypiPurl, pythonLicenses, requirementName } from './metadata.js';

type PyFact = { kind: 'meta'; name: string; version: string; licenses: string[]; requires: string[] } | { kind: 'requires'; names: string[] };

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export const pythonInstalledCataloger = defineCataloger<PyFact>({
  id: 'python-installed',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: 8 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    if (p.endsWith('.dist-info/METADATA') || p.endsWith('.egg-info/PKG-INFO') || p.endsWith('.egg-info/requires.txt')) return true;
    return p.endsWith('.egg-info') && f.size < 8 * 1024 * 1024;
  },
  parse(file) {
    const text = file.content.toString('utf8');
    if (file.path.endsWith('/requires.txt')) {
      const names: string[] = [];
      for (const line of text.split('\n')) {
        if (line.startsWith('[')) break; // extras and marker sections follow
        const n = requirementName(line);
        if (n) names.push(n);
      }
      return { kind: 'requires', names };
    }
    const md = parseCoreMetadata(text);
    if (!md) throw new Error('no Name/Version in core metadata');
    return {
      kind: 'meta',
      name: md.name,
      version: md.version,
      licenses: normaliseLicenses(pythonLicenses(md)),
      requires: md.requiresDist.map(requirementName).filter((x): x is string => x !== undefined),
    };
  },
  assemble(facts, ctx) {
    const metas = facts.filter((f) => f.value.kind === 'meta');
    // site directory → normalised name → key
    const bySite = new Map<string, Map<string, string>>();
    const keyOf = (path: string) => (path.endsWith('.egg-info') ? path : parentOf(path));
    for (const f of metas) {
      const v = f.value as Extract<PyFact, { kind: 'meta' }>;
      const site = parentOf(keyOf(f.path));
      let m = bySite.get(site);
      if (!m) bySite.set(site, (m = new Map()));
      m.set(normaliseName(v.name), keyOf(f.path));
    }
    const drafts: PackageDraft[] = [];
    for (const f of metas) {
      const v = f.value as Extract<PyFact, { kind: 'meta' }>;
      const key = keyOf(f.path);
      const site = bySite.get(parentOf(key))!;
      let requires = v.requires;
      if (requires.length === 0 && key.endsWith('.egg-info')) {
        const r = ctx.factAt(`${key}/requires.txt`);
        if (r && r.value.kind === 'requires') requires = r.value.names;
      }
      drafts.push({
        name: v.name,
        version: v.version,
        type: 'pypi',
        purl: pypiPurl(v.name, v.version),
        licenses: v.licenses,
        locations: [{ path: f.path, layer: f.layer }],
        key,
        dependsOn: requires.map((n) => site.get(n)).filter((x): x is string => x !== undefined && x !== key),
      });
    }
    return drafts;
  },
});
