/**
 * RPM packages from the rpm database, in all three on-disk formats rpm has used:
 *
 * - sqlite `rpmdb.sqlite` (rpm >= 4.16: Fedora 33+, RHEL/UBI/Rocky/Alma 9, Amazon Linux 2023),
 *   read with the small synchronous SQLite reader in `sqlite.ts`;
 * - Berkeley DB hash `Packages` (RHEL/CentOS 7-8, UBI 8, Amazon Linux 2), `bdb.ts`;
 * - ndb `Packages.db` (SUSE 15 SP3+, openSUSE), `ndb.ts`;
 *
 * each under `var/lib/rpm/`, `usr/lib/sysimage/rpm/` or `usr/share/rpm/`. Every format stores
 * the same header blobs, parsed by hand in `header.ts`.
 *
 * Why not sql.js: its initialisation is asynchronous (the wasm module is instantiated behind a
 * promise even when the bytes are supplied), while `parse` is synchronous. A top-level `await`
 * would load the wasm for every command that imports the cataloger table. rpm only needs one
 * rowid table (`Packages(hnum, blob)`), so a bounded b-tree walker is smaller and synchronous; it
 * is checked against sql.js and `rpm -qa` in the tests. Like sql.js on a buffer, it sees only
 * checkpointed content (not `rpmdb.sqlite-wal`).
 *
 * Version is `[epoch:]version-release`; the purl carries `version-release` with `epoch` as a
 * qualifier (https://github.com/package-url/purl-spec, type rpm). `gpg-pubkey` pseudo-packages
 * (imported signing keys) are not software and are skipped.
 */
import { osPackagePurl } from '../dpkg/purl.js';
import { normaliseLicenses } from '../license.js';
import { distroQualifier } from '../os/cataloger.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { readBdbHashValues } from './bdb.js';
import { parseRpmHeader, parseSourceRpm, type RpmHeader } from './header.js';
import { readNdbBlobs } from './ndb.js';
import { SqliteReader } from './sqlite.js';

const DIRS = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/', 'usr/share/rpm/'];
const FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'];
const WANTED = new Set(DIRS.flatMap((d) => FILES.map((f) => d + f)));

/** purl namespace per os-release ID, where it is not the ID itself. */
const NAMESPACES: Record<string, string> = {
  rhel: 'redhat',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  'opensuse-microos': 'opensuse',
  sles: 'suse',
  sled: 'suse',
  'sle-micro': 'suse',
};

/** The purl namespace for an os-release ID (`rhel` → `redhat`); `redhat` when unknown. */
export function rpmNamespace(osId: string | undefined): string {
  if (!osId) return 'redhat';
  return NAMESPACES[osId] ?? osId;
}

export function readSqliteRpmdb(buf: Buffer): RpmHeader[] {
  return sqliteHeaderBlobs(buf).map(parseRpmHeader);
}

/** The raw header blobs of an rpmdb.sqlite, in `hnum` order. */
export function sqliteHeaderBlobs(buf: Buffer): Buffer[] {
  const db = new SqliteReader(buf);
  const root = db.tableRoot('Packages');
  if (root === undefined) throw new Error('rpmdb.sqlite has no Packages table');
  const out: Buffer[] = [];
  for (const row of db.rows(root)) {
    const blob = row.find((v): v is Buffer => Buffer.isBuffer(v));
    if (blob) out.push(blob);
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

export function readNdbRpmdb(buf: Buffer): RpmHeader[] {
  return readNdbBlobs(buf).map(parseRpmHeader);
}

function nevra(h: RpmHeader): string {
  return `${h.name}-${h.epoch ?? 0}:${h.version}-${h.release}.${h.arch ?? ''}`;
}

export const rpmCataloger = defineCataloger<RpmHeader[]>({
  id: 'rpm',
  version: 2,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 512 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    return (p.endsWith('/rpmdb.sqlite') || p.endsWith('/Packages') || p.endsWith('/Packages.db')) && WANTED.has(p);
  },
  parse(file) {
    const p = file.path;
    if (p.endsWith('rpmdb.sqlite')) return readSqliteRpmdb(file.content);
    if (p.endsWith('.db')) return readNdbRpmdb(file.content);
    return readBdbRpmdb(file.content);
  },
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    const distro = distroQualifier(ctx.os);
    const namespace = rpmNamespace(ctx.os?.id);
    const keys = new Set<string>();
    for (const f of facts) {
      const headers = f.value.filter((h) => h.name !== 'gpg-pubkey');
      // Capabilities and owned paths → the providing package's key (first one wins).
      const provider = new Map<string, string>();
      for (const h of headers) if (!provider.has(h.name)) provider.set(h.name, nevra(h));
      for (const h of headers) for (const p of h.provides) if (!provider.has(p)) provider.set(p, nevra(h));
      for (const h of headers) for (const file of h.files) if (!provider.has(file)) provider.set(file, nevra(h));
      const older = ctx.history(f.path).map((o) => ({ layer: o.layer, idents: new Set(o.value.map(nevra)) }));
      for (const h of headers) {
        const key = nevra(h);
        if (keys.has(key)) continue;
        keys.add(key);
        let layer = f.layer;
        for (let i = older.length - 1; i >= 0 && older[i]!.idents.has(key); i--) layer = older[i]!.layer;
        const qualifiers: Record<string, string> = {};
        if (h.arch) qualifiers.arch = h.arch;
        if (h.epoch) qualifiers.epoch = String(h.epoch);
        if (distro) qualifiers.distro = distro;
        const vr = h.release ? `${h.version}-${h.release}` : h.version;
        const deps: string[] = [];
        for (const r of h.requires) {
          const hit = provider.get(r);
          if (hit !== undefined && hit !== key && !deps.includes(hit)) deps.push(hit);
        }
        const src = h.sourceRpm ? parseSourceRpm(h.sourceRpm) : undefined;
        const d: PackageDraft = {
          name: h.name,
          version: h.epoch ? `${h.epoch}:${vr}` : vr,
          type: 'rpm',
          purl: osPackagePurl({ type: 'rpm', namespace, name: h.name, version: vr, qualifiers }),
          licenses: h.license ? normaliseLicenses([h.license]) : [],
          locations: [{ path: f.path, layer }],
          files: h.files,
          key,
          dependsOn: deps,
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
