/**
 * RPM packages from the sqlite rpmdb (`var/lib/rpm/rpmdb.sqlite`,
 * `usr/lib/sysimage/rpm/rpmdb.sqlite`), as used by Fedora 33+, RHEL/UBI 9, Rocky/Alma 9,
 * Amazon Linux 2023 and openSUSE, and from the Berkeley DB hash `Packages` of RHEL/CentOS 7-8,
 * UBI 8 and Amazon Linux 2. The ndb format (`Packages.db`, SUSE) is recognised and reported as an
 * unknown: not read yet.
 */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { distroQualifier } from '../os/cataloger.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { parseRpmHeader, parseSourceRpm, type RpmHeader } from './header.js';
import { readBdbHashValues } from './bdb.js';
import { SqliteReader } from './sqlite.js';

const DIRS = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/', 'usr/share/rpm/'];

const NAMESPACES: Record<string, string> = {
  rhel: 'redhat',
  centos: 'centos',
  fedora: 'fedora',
  rocky: 'rocky',
  almalinux: 'almalinux',
  amzn: 'amazon',
  ol: 'oracle',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  sles: 'suse',
  mariner: 'mariner',
  azurelinux: 'azurelinux',
};

export function readSqliteRpmdb(buf: Buffer): RpmHeader[] {
  const db = new SqliteReader(buf);
  const root = db.tableRoot('Packages');
  if (root === undefined) throw new Error('rpmdb.sqlite has no Packages table');
  const out: RpmHeader[] = [];
  for (const row of db.rows(root)) {
    const blob = row.find((v): v is Buffer => Buffer.isBuffer(v));
    if (blob) out.push(parseRpmHeader(blob));
  }
  return out;
}

/** Header blobs stored as the values of the Berkeley DB `Packages` hash (key = instance number). */
export function readBdbRpmdb(buf: Buffer): RpmHeader[] {
  const out: RpmHeader[] = [];
  for (const v of readBdbHashValues(buf)) {
    if (v.length < 16) continue; // rpm keeps a 4-byte "next instance" record under key 0
    out.push(parseRpmHeader(v));
  }
  return out;
}

export const rpmCataloger = defineCataloger<RpmHeader[]>({
  id: 'rpm',
  version: 1,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 512 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    if (!p.endsWith('rpmdb.sqlite') && !p.endsWith('/Packages') && !p.endsWith('/Packages.db')) return false;
    return DIRS.some((d) => p === d + 'rpmdb.sqlite' || p === d + 'Packages' || p === d + 'Packages.db');
  },
  parse(file) {
    if (file.path.endsWith('rpmdb.sqlite')) return readSqliteRpmdb(file.content);
    if (file.path.endsWith('/Packages')) return readBdbRpmdb(file.content);
    throw new Error('ndb rpmdb format is not supported yet; packages in it are not listed');
  },
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    const distro = distroQualifier(ctx.os);
    const ns = NAMESPACES[ctx.os?.id ?? ''] ?? ctx.os?.id ?? 'redhat';
    for (const f of facts) {
      const provider = new Map<string, string>();
      for (const h of f.value) {
        provider.set(h.name, h.name);
        for (const p of h.provides) if (!provider.has(p)) provider.set(p, h.name);
      }
      const older = ctx.history(f.path);
      const hist = older.map((o) => new Set(o.value.map((h) => `${h.name} ${h.epoch ?? 0}:${h.version}-${h.release} ${h.arch}`)));
      for (const h of f.value) {
        if (h.name === 'gpg-pubkey') continue;
        const ident = `${h.name} ${h.epoch ?? 0}:${h.version}-${h.release} ${h.arch}`;
        let layer = f.layer;
        for (let i = hist.length - 1; i >= 0 && hist[i]!.has(ident); i--) layer = older[i]!.layer;
        const q: Record<string, string> = {};
        if (h.arch) q.arch = h.arch;
        if (h.epoch) q.epoch = String(h.epoch);
        if (distro) q.distro = distro;
        const vr = h.release ? `${h.version}-${h.release}` : h.version;
        const src = h.sourceRpm ? parseSourceRpm(h.sourceRpm) : undefined;
        const deps = h.requires.map((r) => provider.get(r)).filter((x): x is string => x !== undefined && x !== h.name);
        const d: PackageDraft = {
          name: h.name,
          version: h.epoch ? `${h.epoch}:${vr}` : vr,
          type: 'rpm',
          purl: new PackageURL('rpm', ns, h.name, vr, q, undefined).toString(),
          licenses: h.license ? normaliseLicenses([h.license]) : [],
          locations: [{ path: f.path, layer }],
          files: h.files,
          key: h.name,
          dependsOn: [...new Set(deps)],
          ...(src ? { source: src } : {}),
        };
        if (h.arch) d.arch = h.arch;
        if (h.vendor) d.metadata = { vendor: h.vendor };
        drafts.push(d);
      }
    }
    return drafts;
  },
});
