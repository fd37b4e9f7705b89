/**
 * OS detection from os-release (https://www.freedesktop.org/software/systemd/man/os-release.html)
 * with the usual fallbacks for images that lack it.
 */
import type { OsInfo } from '../../core/index.js';
import { defineCataloger, type AssembleContext, type Fact } from '../types.js';

/** Parsed content of one OS identification file. */
export type OsFact = Record<string, string>;

const OS_RELEASE = ['etc/os-release', 'usr/lib/os-release'];
const FALLBACKS = ['etc/lsb-release', 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release', 'etc/centos-release', 'etc/system-release'];
const WANTED = new Set([...OS_RELEASE, ...FALLBACKS]);

export const osCataloger = defineCataloger<OsFact>({
  id: 'os-release',
  version: 1,
  tags: ['os', 'image', 'directory'],
  maxFileSize: 64 * 1024,
  wants: (f) => WANTED.has(f.path),
  parse(file) {
    const text = file.content.toString('utf8');
    if (file.path.endsWith('os-release') || file.path.endsWith('lsb-release')) return parseKeyValues(text);
    return { RAW: text.trim() };
  },
  assemble: () => [],
});

/** Parses `KEY=value` lines with shell-style quoting, as os-release(5) specifies. */
export function parseKeyValues(text: string): OsFact {
  const out: OsFact = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

export function detectOs(_facts: Fact<OsFact>[], ctx: AssembleContext<OsFact>): OsInfo | undefined {
  for (const p of OS_RELEASE) {
    const f = ctx.factAt(p);
    if (f && f.value.ID) {
      const v = f.value;
      const info: OsInfo = { id: v.ID!.toLowerCase() };
      if (v.VERSION_ID) info.versionId = v.VERSION_ID;
      const codename = v.VERSION_CODENAME ?? v.UBUNTU_CODENAME;
      if (codename) info.codename = codename;
      if (v.PRETTY_NAME) info.prettyName = v.PRETTY_NAME;
      if (v.ID_LIKE) info.idLike = v.ID_LIKE.split(/\s+/).filter(Boolean);
      // Debian testing/sid carry no VERSION_ID: fall back to debian_version.
      if (info.id === 'debian' && !info.versionId) {
        const dv = ctx.factAt('etc/debian_version')?.value.RAW;
        if (dv) info.versionId = dv;
      }
      return info;
    }
  }
  const lsb = ctx.factAt('etc/lsb-release')?.value;
  if (lsb?.DISTRIB_ID) {
    const info: OsInfo = { id: lsb.DISTRIB_ID.toLowerCase() };
    if (lsb.DISTRIB_RELEASE) info.versionId = lsb.DISTRIB_RELEASE;
    if (lsb.DISTRIB_CODENAME) info.codename = lsb.DISTRIB_CODENAME;
    if (lsb.DISTRIB_DESCRIPTION) info.prettyName = lsb.DISTRIB_DESCRIPTION;
    return info;
  }
  const alpine = ctx.factAt('etc/alpine-release')?.value.RAW;
  if (alpine) return { id: 'alpine', versionId: alpine, prettyName: `Alpine Linux v${alpine}` };
  const debian = ctx.factAt('etc/debian_version')?.value.RAW;
  if (debian) {
    const major = /^(\d+)/.exec(debian)?.[1];
    return { id: 'debian', versionId: major ?? debian, prettyName: `Debian GNU/Linux ${debian}` };
  }
  for (const p of ['etc/redhat-release', 'etc/centos-release', 'etc/system-release']) {
    const raw = ctx.factAt(p)?.value.RAW;
    if (!raw) continue;
    const version = /release\s+(\d+(?:\.\d+)*)/i.exec(raw)?.[1];
    const lower = raw.toLowerCase();
    const id = lower.includes('centos')
      ? 'centos'
      : lower.includes('fedora')
        ? 'fedora'
        : lower.includes('rocky')
          ? 'rocky'
          : lower.includes('alma')
            ? 'almalinux'
            : lower.includes('amazon')
              ? 'amzn'
              : 'rhel';
    return { id, ...(version ? { versionId: version } : {}), prettyName: raw };
  }
  return undefined;
}

/** The purl `distro` qualifier value for an OS (`debian-12`, `alpine-3.20.3`). */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}
