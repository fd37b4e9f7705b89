/**
 * Alpine (and Wolfi, postmarketOS…) packages from apk's installed database
 * `lib/apk/db/installed`: one record per package, records separated by blank lines, each line
 * `<letter>:<value>` (https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2).
 *
 * Fields used: P name, V version, A arch, o origin (source package), L license, m maintainer,
 * D dependencies, p provides, F directory and R file (R lines belong to the last F line).
 *
 * Layer attribution as for dpkg: the lowest layer from which the database has listed the package
 * continuously with the same version.
 */
import { normaliseLicenses } from '../license.js';
import { osPackagePurl } from '../dpkg/purl.js';
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

const INSTALLED = 'lib/apk/db/installed';

/** Parses the installed database. Records without `P:` or `V:` are dropped. */
export function parseApkInstalled(text: string): ApkRecord[] {
  const out: ApkRecord[] = [];
  let cur: Partial<ApkRecord> & { depends: string[]; provides: string[]; files: string[] } = { depends: [], provides: [], files: [] };
  let dir: string | undefined;
  const flush = () => {
    if (cur.name && cur.version) out.push(cur as ApkRecord);
    cur = { depends: [], provides: [], files: [] };
    dir = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const v = line.slice(2);
    switch (line[0]) {
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
        cur.files.push(dir ? `/${dir}/${v}` : `/${v}`);
        break;
    }
  }
  flush();
  return out;
}

/** `so:libc.musl-x86_64.so.1=1`, `cmd:sh`, `name>=1.2`, `name~1.2` → the name; conflicts (`!x`) → undefined. */
export function apkDependencyName(d: string): string | undefined {
  if (d.startsWith('!')) return undefined;
  const name = d.split(/[<>=~]/, 1)[0];
  return name === '' ? undefined : name;
}

/** `L:` holds an SPDX expression, or (older packages) space-separated license names. */
export function apkLicenses(l: string | undefined): string[] {
  if (!l) return [];
  return normaliseLicenses(/ (AND|OR|WITH) /i.test(l) ? [l.replace(/ (and|or|with) /gi, (m) => m.toUpperCase())] : l.split(/\s+/));
}

export const apkCataloger = defineCataloger<ApkRecord[]>({
  id: 'apk',
  version: 2,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 128 * 1024 * 1024,
  wants: (f) => f.path === INSTALLED,
  parse: (file) => parseApkInstalled(file.content.toString('utf8')),
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    const distro = distroQualifier(ctx.os);
    const namespace = ctx.os?.id ?? 'alpine';
    for (const f of facts) {
      // Names, provided names and owned paths → the providing package (first one wins).
      const provider = new Map<string, string>();
      for (const r of f.value) if (!provider.has(r.name)) provider.set(r.name, r.name);
      for (const r of f.value) {
        for (const p of r.provides) {
          const n = apkDependencyName(p);
          if (n && !provider.has(n)) provider.set(n, r.name);
        }
        for (const file of r.files) if (!provider.has(file)) provider.set(file, r.name);
      }
      const older = ctx.history(f.path).map((h) => ({ layer: h.layer, idents: new Set(h.value.map((r) => `${r.name}\0${r.version}`)) }));
      const seen = new Set<string>();
      for (const r of f.value) {
        if (seen.has(r.name)) continue;
        seen.add(r.name);
        let layer = f.layer;
        for (let i = older.length - 1; i >= 0 && older[i]!.idents.has(`${r.name}\0${r.version}`); i--) layer = older[i]!.layer;
        const qualifiers: Record<string, string> = {};
        if (r.arch) qualifiers.arch = r.arch;
        if (distro) qualifiers.distro = distro;
        const deps: string[] = [];
        for (const d of r.depends) {
          const n = apkDependencyName(d);
          const hit = n === undefined ? undefined : provider.get(n);
          if (hit !== undefined && hit !== r.name && !deps.includes(hit)) deps.push(hit);
        }
        const d: PackageDraft = {
          name: r.name,
          version: r.version,
          type: 'apk',
          purl: osPackagePurl({ type: 'apk', namespace, name: r.name.toLowerCase(), version: r.version, qualifiers }),
          licenses: apkLicenses(r.license),
          locations: [{ path: f.path, layer }],
          source: { name: r.origin ?? r.name, version: r.version },
          files: r.files,
          key: r.name,
          dependsOn: deps,
        };
        if (r.arch) d.arch = r.arch;
        if (r.maintainer) d.metadata = { maintainer: r.maintainer };
        drafts.push(d);
      }
    }
    return drafts;
  },
});
