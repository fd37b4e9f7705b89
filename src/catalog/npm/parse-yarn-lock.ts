/**
 * `yarn.lock`: yarn 1's own indented format (`# yarn lockfile v1`), or yarn 2+ ("berry") YAML with a
 * `__metadata` block. Either way each block is keyed by the descriptors it satisfies
 * (`"ms@^2.1.1, ms@2.1.2":`) and lists its dependencies as descriptors, which are looked up among
 * the keys to give edges.
 */
import { parse as parseYaml } from 'yaml';
import { LockCollector, type LockFact } from './common.js';
import { isRecord } from '../../core/index.js';

interface Block {
  descriptors: string[];
  name: string;
  version: string;
  /** Dependency descriptors (`name@range`). */
  deps: string[];
  /** A berry workspace (a project of the repository): not a package, but its deps are direct. */
  workspace?: boolean;
}

/** The package name in a descriptor (`@s/x@^1`, `alias@npm:real@^1` → `real`, `x@npm:1.0.0`). */
export function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  if (at < 0) return descriptor;
  const rest = descriptor.slice(at + 1);
  // `alias@npm:real@range`: the package is `real`.
  if (rest.startsWith('npm:') && /^npm:(@[^/@]+\/)?[^@]+@/.test(rest)) return descriptorName(rest.slice(4));
  return descriptor.slice(0, at);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

export function parseYarnLock(buf: Buffer): LockFact {
  const text = buf.toString('utf8');
  const blocks = /^__metadata:/m.test(text) ? berryBlocks(text) : classicBlocks(text);

  const out = new LockCollector();
  const byDescriptor = new Map<string, string>();
  const keyed: { key: string; block: Block }[] = [];
  for (const b of blocks) {
    if (b.workspace || b.version === '') continue;
    const key = out.add({ name: b.name, version: b.version, deps: [] });
    keyed.push({ key, block: b });
    for (const d of b.descriptors) byDescriptor.set(d, key);
  }
  // yarn 1 writes `name@npm:x` descriptors in a dependent as `name "npm:x"`; berry spells every
  // registry range `npm:…` in both places. Try both spellings.
  const lookup = (d: string): string | undefined => {
    const hit = byDescriptor.get(d);
    if (hit !== undefined) return hit;
    const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
    return at < 0 ? undefined : byDescriptor.get(`${d.slice(0, at)}@npm:${d.slice(at + 1)}`);
  };
  for (const { key, block } of keyed) {
    out.addDeps(key, block.deps.map(lookup).filter((k): k is string => k !== undefined));
  }
  for (const b of blocks) {
    if (!b.workspace) continue;
    for (const d of b.deps) {
      const k = lookup(d);
      if (k !== undefined) out.markDirect(k);
    }
  }
  return out.fact();
}

function classicBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let cur: Block | undefined;
  let inDeps = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      if (!line.endsWith(':')) throw new Error(`yarn.lock: unexpected line "${line.slice(0, 80)}"`);
      const descriptors = line.slice(0, -1).split(',').map(unquote).filter(Boolean);
      cur = { descriptors, name: descriptorName(descriptors[0] ?? ''), version: '', deps: [] };
      blocks.push(cur);
      inDeps = false;
      continue;
    }
    if (!cur) continue;
    const t = line.trim();
    if (indent === 2) {
      inDeps = t === 'dependencies:' || t === 'optionalDependencies:';
      const m = /^version:?\s+(.+)$/.exec(t);
      if (m) cur.version = unquote(m[1]!);
    } else if (inDeps) {
      // `name range`, either part optionally quoted.
      const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(t);
      if (m) cur.deps.push(`${unquote(m[1]!)}@${unquote(m[2]!)}`);
    }
  }
  return blocks;
}

function berryBlocks(text: string): Block[] {
  const doc: unknown = parseYaml(text, { maxAliasCount: 100 });
  if (!isRecord(doc)) throw new Error('yarn.lock is not a YAML mapping');
  const blocks: Block[] = [];
  for (const [header, e] of Object.entries(doc)) {
    if (header === '__metadata' || !isRecord(e)) continue;
    const descriptors = header.split(',').map(unquote).filter(Boolean);
    const resolution = typeof e.resolution === 'string' ? e.resolution : descriptors[0] ?? '';
    const deps: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      const m = e[field];
      if (isRecord(m)) for (const [n, r] of Object.entries(m)) deps.push(`${n}@${String(r)}`);
    }
    // Workspaces, `link:` and `portal:` are directories of the project, not packages.
    const local = /@(workspace|link|portal):/.exec(resolution);
    blocks.push({
      descriptors,
      name: descriptorName(resolution),
      version: local ? '' : e.version === undefined || e.version === null ? '' : String(e.version),
      deps,
      ...(local?.[1] === 'workspace' ? { workspace: true } : {}),
    });
  }
  return blocks;
}
