/**
 * Rust: `Cargo.lock` (versions 1–4), with dependency edges. A crate without a `source` is built
 * from the project's own tree (the workspace's members and its path dependencies): it is marked
 * as the application (`metadata.application`, see ../application.ts), as Cargo.lock lists the
 * project itself beside what it depends on.
 */
import { PackageURL } from 'packageurl-js';
import { parse as parseToml } from 'smol-toml';
import { APPLICATION_KEY } from '../application.js';
import { defineCataloger, type PackageDraft } from '../types.js';

interface Crate {
  name: string;
  version: string;
  source?: string;
  deps: string[];
}

export function parseCargoLock(text: string): Crate[] {
  const doc = parseToml(text) as { package?: { name?: string; version?: string; source?: string; dependencies?: string[] }[] };
  return (doc.package ?? [])
    .filter((p) => p.name && p.version)
    .map((p) => ({ name: p.name!, version: p.version!, ...(p.source ? { source: p.source } : {}), deps: p.dependencies ?? [] }));
}

export const cargoLockCataloger = defineCataloger<Crate[]>({
  id: 'cargo-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  maxFileSize: 16 * 1024 * 1024,
  wants: (f) => f.path === 'Cargo.lock' || f.path.endsWith('/Cargo.lock'),
  parse: (file) => parseCargoLock(file.content.toString('utf8')),
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const byName = new Map<string, Crate[]>();
      for (const c of f.value) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
      const keyOf = (c: Crate) => `${f.path}#${c.name}@${c.version}`;
      for (const c of f.value) {
        const deps: string[] = [];
        for (const d of c.deps) {
          // "name", "name version" or "name version (source)"
          const [n, v] = d.split(' ');
          const cands = byName.get(n!) ?? [];
          const hit = v ? cands.find((x) => x.version === v) : cands.length === 1 ? cands[0] : undefined;
          if (hit) deps.push(keyOf(hit));
        }
        const metadata: Record<string, string> = {};
        if (c.source) metadata.source = c.source;
        else {
          metadata.source = 'local';
          metadata[APPLICATION_KEY] = 'true';
        }
        drafts.push({ name: c.name, version: c.version, type: 'cargo', purl: new PackageURL('cargo', undefined, c.name, c.version, undefined, undefined).toString(), licenses: [], locations: [{ path: f.path, layer: f.layer }], key: keyOf(c), dependsOn: deps, metadata });
      }
    }
    return drafts;
  },
});
