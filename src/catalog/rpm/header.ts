/**
 * rpm header blobs as stored in the rpmdb (index entries + data store, big-endian), parsed for
 * the tags a package inventory needs.
 */

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  PROVIDENAME: 1047,
  REQUIRENAME: 1049,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  MODULARITYLABEL: 5096,
} as const;

export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  license?: string;
  vendor?: string;
  sourceRpm?: string;
  provides: string[];
  requires: string[];
  files: string[];
}

const MAX_ENTRIES = 100_000;

/** Parses a header blob (without the 8-byte header magic, as the rpmdb stores it). */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new Error('rpm header too short');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > MAX_ENTRIES || dataStart + dl > blob.length) throw new Error('rpm header index out of bounds');
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const o = 8 + i * 16;
    entries.set(blob.readUInt32BE(o), { type: blob.readUInt32BE(o + 4), offset: blob.readInt32BE(o + 8), count: blob.readUInt32BE(o + 12) });
  }
  const at = (off: number) => {
    const p = dataStart + off;
    if (off < 0 || p >= dataStart + dl) throw new Error('rpm header data offset out of bounds');
    return p;
  };
  const strings = (tag: number): string[] => {
    const e = entries.get(tag);
    if (!e || (e.type !== 6 && e.type !== 8 && e.type !== 9)) return [];
    const out: string[] = [];
    let p = at(e.offset);
    const n = e.type === 6 ? 1 : Math.min(e.count, MAX_ENTRIES);
    for (let i = 0; i < n; i++) {
      const end = blob.indexOf(0, p);
      if (end < 0 || end > dataStart + dl) throw new Error('unterminated string in rpm header');
      out.push(blob.toString('utf8', p, end));
      p = end + 1;
    }
    return out;
  };
  const ints = (tag: number): number[] => {
    const e = entries.get(tag);
    if (!e || e.type !== 4) return [];
    const p = at(e.offset);
    const n = Math.min(e.count, MAX_ENTRIES);
    if (p + n * 4 > dataStart + dl) throw new Error('rpm header int array out of bounds');
    return Array.from({ length: n }, (_, i) => blob.readUInt32BE(p + i * 4));
  };
  const str = (tag: number) => strings(tag)[0];
  const name = str(TAG.NAME);
  const version = str(TAG.VERSION);
  if (!name || version === undefined) throw new Error('rpm header without NAME/VERSION');
  const basenames = strings(TAG.BASENAMES);
  const dirnames = strings(TAG.DIRNAMES);
  const dirindexes = ints(TAG.DIRINDEXES);
  const epoch = ints(TAG.EPOCH)[0];
  const h: RpmHeader = {
    name,
    version,
    release: str(TAG.RELEASE) ?? '',
    provides: strings(TAG.PROVIDENAME),
    requires: strings(TAG.REQUIRENAME),
    // rpm >= 4.0 stores paths split into BASENAMES/DIRNAMES/DIRINDEXES; older headers OLDFILENAMES.
    files: basenames.length > 0 ? basenames.map((b, i) => `${dirnames[dirindexes[i] ?? -1] ?? ''}${b}`) : strings(TAG.OLDFILENAMES),
  };
  if (epoch !== undefined) h.epoch = epoch;
  const arch = str(TAG.ARCH);
  if (arch) h.arch = arch;
  const lic = str(TAG.LICENSE);
  if (lic) h.license = lic;
  const vendor = str(TAG.VENDOR);
  if (vendor) h.vendor = vendor;
  const src = str(TAG.SOURCERPM);
  if (src) h.sourceRpm = src;
  return h;
}

/** `name-version-release.src.rpm` → name and version-release. */
export function parseSourceRpm(s: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(s);
  return m ? { name: m[1]!, version: `${m[2]}-${m[3]}` } : undefined;
}
