/** Go: modules compiled into binaries (build info) and declared in go.mod. */
import { PackageURL } from 'packageurl-js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { readGoBuildInfo, type GoBuildInfo } from './buildinfo.js';

export function golangPurl(path: string, version: string | undefined): string {
  const i = path.lastIndexOf('/');
  const ns = i > 0 ? path.slice(0, i) : undefined;
  const name = i > 0 ? path.slice(i + 1) : path;
  return new PackageURL('golang', ns, name, version && version !== '(devel)' ? version : undefined, undefined, undefined).toString();
}

const SETTINGS = ['GOOS', 'GOARCH', 'CGO_ENABLED', '-tags', 'vcs', 'vcs.revision', 'vcs.time', 'vcs.modified', '-ldflags'];

export const goBinaryCataloger = defineCataloger<GoBuildInfo>({
  id: 'go-binary',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: 256 * 1024 * 1024,
  wants: (f) => (f.mode & 0o111) !== 0 && f.size > 1024,
  sniff: (head) => head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46,
  parse: (file) => readGoBuildInfo(file.content) ?? null,
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const b = f.value;
      const loc = [{ path: f.path, layer: f.layer }];
      const common: Record<string, string> = { goVersion: b.goVersion };
      if (b.main?.path) common.mainModule = b.main.path;
      for (const k of SETTINGS) if (b.settings[k] !== undefined) common[k] = b.settings[k]!;
      const mainKey = `${f.path}#main`;
      const depKeys: string[] = [];
      for (const d of b.deps) {
        const eff = d.replace && !d.replace.path.startsWith('.') && !d.replace.path.startsWith('/') ? d.replace : undefined;
        const path = eff?.path ?? d.path;
        const version = eff?.version ?? d.version;
        const key = `${f.path}#${path}`;
        depKeys.push(key);
        drafts.push({
          name: path,
          version,
          type: 'golang',
          purl: golangPurl(path, version),
          licenses: [],
          locations: loc,
          key,
          metadata: { ...common, ...(d.sum ? { h1Digest: d.sum } : {}), ...(d.replace ? { replacedBy: `${d.replace.path} ${d.replace.version}`.trim() } : {}) },
        });
      }
      if (b.main?.path) {
        drafts.push({ name: b.main.path, version: b.main.version || '(devel)', type: 'golang', purl: golangPurl(b.main.path, b.main.version), licenses: [], locations: loc, key: mainKey, dependsOn: depKeys, metadata: { ...common, mainModule: 'true' } });
      }
      const std = b.goVersion.replace(/^go/, '').split(/\s/)[0]!;
      if (std) drafts.push({ name: 'stdlib', version: std, type: 'golang', purl: new PackageURL('golang', undefined, 'stdlib', std, undefined, undefined).toString(), licenses: ['BSD-3-Clause'], locations: loc, metadata: common });
    }
    return drafts;
  },
});

interface GoModFact {
  module?: string;
  requires: { path: string; version: string; indirect: boolean }[];
  replaces: { from: string; fromVersion?: string; to: string; toVersion?: string }[];
  excludes: { path: string; version: string }[];
}

export function parseGoMod(text: string): GoModFact {
  const out: GoModFact = { requires: [], replaces: [], excludes: [] };
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      handle(block, line, indirect);
      continue;
    }
    const m = /^(module|require|replace|exclude|go|toolchain|retract)\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === '(') block = m[1];
    else handle(m[1]!, m[2]!, indirect);
  }
  function handle(kind: string, rest: string, indirect: boolean) {
    const t = rest.split(/\s+/).map((s) => s.replace(/^"|"$/g, ''));
    if (kind === 'module') out.module = t[0];
    else if (kind === 'require' && t[0] && t[1]) out.requires.push({ path: t[0], version: t[1], indirect });
    else if (kind === 'exclude' && t[0] && t[1]) out.excludes.push({ path: t[0], version: t[1] });
    else if (kind === 'replace') {
      const arrow = t.indexOf('=>');
      if (arrow > 0) out.replaces.push({ from: t[0]!, ...(arrow === 2 ? { fromVersion: t[1] } : {}), to: t[arrow + 1]!, ...(t[arrow + 2] ? { toVersion: t[arrow + 2] } : {}) });
    }
  }
  return out;
}

export const goModCataloger = defineCataloger<GoModFact>({
  id: 'go-mod',
  version: 1,
  tags: ['language', 'declared', 'directory'],
  maxFileSize: 4 * 1024 * 1024,
  wants: (f) => (f.path === 'go.mod' || f.path.endsWith('/go.mod')) && !f.path.includes('/pkg/mod/'),
  parse: (file) => parseGoMod(file.content.toString('utf8')),
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const excluded = new Set(f.value.excludes.map((e) => `${e.path}@${e.version}`));
      for (const r of f.value.requires) {
        if (excluded.has(`${r.path}@${r.version}`)) continue;
        const rep = f.value.replaces.find((x) => x.from === r.path && (!x.fromVersion || x.fromVersion === r.version));
        const remote = rep && rep.toVersion && !rep.to.startsWith('.') && !rep.to.startsWith('/');
        const path = remote ? rep.to : r.path;
        const version = remote ? rep.toVersion! : r.version;
        drafts.push({
          name: path,
          version,
          type: 'golang',
          purl: golangPurl(path, version),
          licenses: [],
          locations: [{ path: f.path, layer: f.layer }],
          metadata: { ...(r.indirect ? { indirect: 'true' } : {}), ...(rep ? { replacedBy: `${rep.to} ${rep.toVersion ?? ''}`.trim() } : {}) },
        });
      }
    }
    return drafts;
  },
});
