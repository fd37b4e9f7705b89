/** Ruby: `Gemfile.lock` (GEM specs with dependency edges) and installed `specifications/*.gemspec`. */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';

function gemPurl(name: string, version: string): string {
  return new PackageURL('gem', undefined, name, version, undefined, undefined).toString();
}

interface LockedGem {
  name: string;
  version: string;
  deps: string[];
}

/** Parses the `specs:` sections of GEM/GIT/PATH blocks: 4 spaces = gem, 6 spaces = its dependency. */
export function parseGemfileLock(text: string): LockedGem[] {
  const out: LockedGem[] = [];
  let inSpecs = false;
  let cur: LockedGem | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) {
      inSpecs = false;
      continue;
    }
    if (line === '  specs:') {
      inSpecs = true;
      continue;
    }
    if (!inSpecs) continue;
    const gem = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
    if (gem) {
      // platform-specific versions look like "1.15.5-x86_64-linux"
      cur = { name: gem[1]!, version: gem[2]!, deps: [] };
      out.push(cur);
      continue;
    }
    const dep = /^ {6}([^\s(]+)/.exec(line);
    if (dep && cur) cur.deps.push(dep[1]!);
  }
  return out;
}

export const gemfileLockCataloger = defineCataloger<LockedGem[]>({
  id: 'gemfile-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants: (f) => f.path === 'Gemfile.lock' || f.path.endsWith('/Gemfile.lock') || f.path.endsWith('/gems.locked'),
  parse: (file) => parseGemfileLock(file.content.toString('utf8')),
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const names = new Set(f.value.map((g) => g.name));
      for (const g of f.value) {
        drafts.push({ name: g.name, version: g.version, type: 'gem', purl: gemPurl(g.name, g.version), licenses: [], locations: [{ path: f.path, layer: f.layer }], key: `${f.path}#${g.name}`, dependsOn: g.deps.filter((d) => names.has(d) && d !== g.name).map((d) => `${f.path}#${d}`) });
      }
    }
    return drafts;
  },
});

interface Gemspec {
  name: string;
  version: string;
  licenses: string[];
}

function rubyStrings(expr: string): string[] {
  return [...expr.matchAll(/["']([^"']*)["']/g)].map((m) => m[1]!);
}

/** Reads name, version and licenses from a generated gemspec (Ruby source; no evaluation). */
export function parseGemspec(text: string): Gemspec | undefined {
  const field = (k: string) => new RegExp(`^\\s*\\w+\\.${k}\\s*=\\s*(.+)$`, 'm').exec(text)?.[1];
  const name = rubyStrings(field('name') ?? '')[0];
  const versionExpr = field('version') ?? '';
  const version = rubyStrings(versionExpr)[0] ?? /Gem::Version\.new\(["']([^"']+)["']\)/.exec(versionExpr)?.[1];
  if (!name || !version) return undefined;
  const lic = [...rubyStrings(field('licenses') ?? ''), ...rubyStrings(field('license') ?? '')];
  return { name, version, licenses: normaliseLicenses(lic) };
}

export const gemInstalledCataloger = defineCataloger<Gemspec>({
  id: 'gem-installed',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: 1024 * 1024,
  wants: (f) => f.path.endsWith('.gemspec') && f.path.includes('/specifications/'),
  parse: (file) => parseGemspec(file.content.toString('utf8')) ?? null,
  assemble(facts) {
    return facts.map((f) => ({ name: f.value.name, version: f.value.version, type: 'gem' as const, purl: gemPurl(f.value.name, f.value.version), licenses: f.value.licenses, locations: [{ path: f.path, layer: f.layer }] }));
  },
});
