/**
 * Alpine packages from `lib/apk/db/installed` (apk's database: one letter-keyed record per
 * package, blank-line separated; https://wiki.alpinelinux.org/wiki/Apk_spec).
 */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { distroQualifier } from '../os/cataloger.js';
import { defineCataloger, type PackageDraft } from '../types.js';

export interface ApkRecord {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  depends: string[];
  provides: string[];
  files: string[];
}

export function parseApkInstalled(text: string): ApkRecord[] {
  const out: ApkRecord[] = [];
  let cur: Partial<ApkRecord> & { depends: string[]; provides: string[]; files: string[] } = {
    depends: [],
    provides: [],
    files: [],
  };
  let dir = '';
  const flush = () => {
    if (cur.name && cur.version) out.push(cur as ApkRecord);
    cur = { depends: [], provides: [], files: [] };
    dir = '';
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const k = line[0];
    const v = line.slice(2);
    if (line[1] !== ':') continue;
    switch (k) {
      case 'P':
        cur.name = v;
        break;
      case 'V':
        cur.version = v;
        break;
      case 'A':
        cur.arch = v;
        break;
      case 'o':
        cur.origin = v;
        break;
      case 'L':
        cur.license = v;
        break;
      case 'm':
        cur.maintainer = v;
        break;
      case 'D':
        cur.depends.push(...v.split(/\s+/).filter(Boolean));
        break;
      case 'p':
        cur.provides.push(...v.split(/\s+/).filter(Boolean));
        break;
      case 'F':
        dir = v;
        break;
      case 'R':
        cur.files.push(`/${dir ? dir + '/' : ''}${v}`);
        break;
    }
  }
  flush();
  return out;
}

/** `so:libc.musl-x86_64.so.1`, `cmd:sh`, `pc:x`, `name>=1.2` → the provided name. */
function depName(d: string): string | undefined {
  if (d.startsWith('!')) return undefined;
  return d.split(/[<>=~]/, 1)[0];
}

/** `L:` holds an SPDX expression, or (older packages) space-separated license names. */
function apkLicenses(l: string | undefined): string[] {
  if (!l) return [];
  return normaliseLicenses(/ (AND|OR|WITH) /.test(l) ? [l] : l.split(/\s+/));
}

export const apkCataloger = defineCataloger<ApkRecord[]>({
  id: 'apk',
  version: 1,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 128 * 1024 * 1024,
  wants: (f) => f.path === 'lib/apk/db/installed',
  parse: (file) => parseApkInstalled(file.content.toString('utf8')),
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    const distro = distroQualifier(ctx.os);
    for (const f of facts) {
      const provider = new Map<string, string>();
      for (const r of f.value) {
        provider.set(r.name, r.name);
        for (const p of r.provides) provider.set(depName(p)!, r.name);
      }
      const history = ctx.history(f.path).map((h) => new Set(h.value.map((r) => `${r.name} ${r.version}`)));
      const older = ctx.history(f.path);
      for (const r of f.value) {
        let layer = f.layer;
        for (let i = history.length - 1; i >= 0 && history[i]!.has(`${r.name} ${r.version}`); i--)
          layer = older[i]!.layer;
        const q: Record<string, string> = {};
        if (r.arch) q.arch = r.arch;
        if (distro) q.distro = distro;
        const deps = r.depends
          .map((d) => provider.get(depName(d) ?? ''))
          .filter((x): x is string => x !== undefined && x !== r.name);
        const d: PackageDraft = {
          name: r.name,
          version: r.version,
          type: 'apk',
          purl: new PackageURL('apk', ctx.os?.id ?? 'alpine', r.name, r.version, q, undefined).toString(),
          licenses: apkLicenses(r.license),
          locations: [{ path: f.path, layer }],
          source: { name: r.origin ?? r.name, version: r.version },
          files: r.files,
          key: r.name,
          dependsOn: [...new Set(deps)],
        };
        if (r.arch) d.arch = r.arch;
        if (r.maintainer) d.metadata = { maintainer: r.maintainer };
        drafts.push(d);
      }
    }
    return drafts;
  },
});
