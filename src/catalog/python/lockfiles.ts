/** Declared Python dependencies: requirements*.txt pins, poetry.lock, Pipfile.lock, uv.lock. */
import { parse as parseToml } from 'smol-toml';
import { defineCataloger, type PackageDraft } from '../types.js';
import { normaliseName, pypiPurl } from './metadata.js';

interface Locked {
  name: string;
  version: string;
  dev?: boolean;
  deps?: string[];
}

export function parseRequirements(text: string): Locked[] {
  const out: Locked[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,]+)/.exec(line);
    if (m && !m[2]!.includes('*')) out.push({ name: m[1]!, version: m[2]! });
  }
  return out;
}

export function parsePoetryLock(text: string): Locked[] {
  const doc = parseToml(text) as { package?: { name?: string; version?: string; category?: string; dependencies?: Record<string, unknown> }[] };
  return (doc.package ?? [])
    .filter((p) => p.name && p.version)
    .map((p) => ({ name: p.name!, version: p.version!, ...(p.category === 'dev' ? { dev: true } : {}), deps: Object.keys(p.dependencies ?? {}).map(normaliseName) }));
}

export function parsePipfileLock(text: string): Locked[] {
  const doc = JSON.parse(text) as Record<string, Record<string, { version?: string }>>;
  const out: Locked[] = [];
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    for (const [name, e] of Object.entries(doc[section] ?? {})) {
      const v = e?.version?.replace(/^===?/, '');
      if (v) out.push({ name, version: v, ...(dev ? { dev: true } : {}) });
    }
  }
  return out;
}

export function parseUvLock(text: string): Locked[] {
  const doc = parseToml(text) as { package?: { name?: string; version?: string; source?: Record<string, unknown>; dependencies?: { name: string }[] }[] };
  return (doc.package ?? [])
    .filter((p) => p.name && p.version && !(p.source && ('editable' in p.source || 'virtual' in p.source)))
    .map((p) => ({ name: p.name!, version: p.version!, deps: (p.dependencies ?? []).map((d) => normaliseName(d.name)) }));
}

function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function isRequirements(name: string): boolean {
  return /^requirements.*\.txt$/.test(name) || (name.endsWith('.txt') && /requirements/.test(name));
}

export const pythonLockCataloger = defineCataloger<Locked[]>({
  id: 'python-lock',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  wants(f) {
    if (f.path.includes('site-packages/') || f.path.includes('dist-packages/')) return false;
    const b = base(f.path);
    return b === 'poetry.lock' || b === 'Pipfile.lock' || b === 'uv.lock' || isRequirements(b);
  },
  parse(file) {
    const text = file.content.toString('utf8');
    const b = base(file.path);
    if (b === 'poetry.lock') return parsePoetryLock(text);
    if (b === 'Pipfile.lock') return parsePipfileLock(text);
    if (b === 'uv.lock') return parseUvLock(text);
    return parseRequirements(text);
  },
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const names = new Set(f.value.map((p) => normaliseName(p.name)));
      for (const p of f.value) {
        const n = normaliseName(p.name);
        drafts.push({
          name: p.name,
          version: p.version,
          type: 'pypi',
          purl: pypiPurl(p.name, p.version),
          licenses: [],
          locations: [{ path: f.path, layer: f.layer }],
          key: `${f.path}#${n}`,
          dependsOn: (p.deps ?? []).filter((d) => names.has(d) && d !== n).map((d) => `${f.path}#${d}`),
          ...(p.dev ? { metadata: { dev: 'true' } } : {}),
        });
      }
    }
    return drafts;
  },
});
