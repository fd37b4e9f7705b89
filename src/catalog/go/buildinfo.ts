/**
 * Module build information embedded in Go binaries (Go 1.13+ pointer format and Go 1.18+ inline
 * format), found by its 16-byte-aligned `\xff Go buildinf:` header. Pointers are mapped to file
 * offsets through the ELF program headers.
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

function readVarint(buf: Buffer, off: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (let i = off; i < Math.min(buf.length, off + 10); i++) {
    const b = buf[i]!;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [v, i + 1];
    shift += 7;
  }
  throw new Error('bad varint in Go build info');
}

interface Segment {
  vaddr: bigint;
  offset: bigint;
  filesz: bigint;
}

/** PT_LOAD segments of an ELF file (32/64-bit, either endianness). */
function elfSegments(buf: Buffer): Segment[] {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) return [];
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => BigInt(le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const phoff = Number(is64 ? u64(32) : u32(28));
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const segs: Segment[] = [];
  for (let i = 0; i < phnum && i < 256; i++) {
    const o = phoff + i * phentsize;
    if (o + phentsize > buf.length) break;
    if (Number(u32(o)) !== 1) continue; // PT_LOAD
    segs.push(is64 ? { offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) } : { offset: u32(o + 4), vaddr: u32(o + 8), filesz: u32(o + 16) });
  }
  return segs;
}

function stripSentinels(mod: string): string {
  if (mod.length >= 33 && mod[mod.length - 17] === '\n') return mod.slice(16, mod.length - 16);
  return mod;
}

export function parseModinfo(goVersion: string, modinfo: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of stripSentinels(modinfo).split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        info.path = f[1];
        break;
      case 'mod':
        info.main = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) };
        last = info.main;
        break;
      case 'dep':
        last = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) };
        info.deps.push(last);
        break;
      case '=>':
        if (last) last.replace = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) };
        break;
      case 'build': {
        const kv = f.slice(1).join('\t');
        const eq = kv.indexOf('=');
        if (eq > 0) info.settings[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
    }
  }
  return info;
}

/** Extracts build info from a Go binary; undefined when there is none. */
export function readGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  let at = buf.indexOf(MAGIC);
  while (at >= 0 && at % 16 !== 0) at = buf.indexOf(MAGIC, at + 1);
  if (at < 0 || at + 32 > buf.length) return undefined;
  const ptrSize = buf[at + 14]!;
  const flags = buf[at + 15]!;
  const bigEndian = (flags & 1) !== 0;
  if (flags & 2) {
    let [n, off] = readVarint(buf, at + 32);
    const version = buf.toString('utf8', off, off + n);
    [n, off] = readVarint(buf, off + n);
    const mod = buf.toString('latin1', off, off + n);
    return parseModinfo(version, Buffer.from(mod, 'latin1').toString('utf8'));
  }
  if (ptrSize !== 4 && ptrSize !== 8) return undefined;
  const segs = elfSegments(buf);
  const readPtr = (o: number): bigint => (ptrSize === 8 ? (bigEndian ? buf.readBigUInt64BE(o) : buf.readBigUInt64LE(o)) : BigInt(bigEndian ? buf.readUInt32BE(o) : buf.readUInt32LE(o)));
  const toOffset = (addr: bigint): number | undefined => {
    for (const s of segs) if (addr >= s.vaddr && addr < s.vaddr + s.filesz) return Number(addr - s.vaddr + s.offset);
    return undefined;
  };
  const readGoString = (ptrAddr: bigint): string | undefined => {
    const hdr = toOffset(ptrAddr);
    if (hdr === undefined || hdr + 2 * ptrSize > buf.length) return undefined;
    const data = toOffset(readPtr(hdr));
    const len = Number(readPtr(hdr + ptrSize));
    if (data === undefined || len > 16 * 1024 * 1024 || data + len > buf.length) return undefined;
    return buf.toString('utf8', data, data + len);
  };
  const version = readGoString(readPtr(at + 16));
  const mod = readGoString(readPtr(at + 16 + ptrSize));
  if (version === undefined) return undefined;
  return parseModinfo(version, mod ?? '');
}
