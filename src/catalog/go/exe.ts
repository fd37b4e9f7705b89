/**
 * Just enough of ELF, Mach-O and PE to find Go build information: where the build-info section
 * (or the first writable data) starts in the file, and how a virtual address maps to a file
 * offset (for the pre-1.18 pointer format). Every read is bounds-checked; a damaged header
 * yields fewer regions, never an exception.
 */

export type ExeFormat = 'elf' | 'macho' | 'pe';

/** A part of the file that is mapped at `vaddr` when the program runs. */
export interface MappedRegion {
  vaddr: bigint;
  offset: number;
  size: number;
}

/** A byte range of the file. */
export interface FileRange {
  offset: number;
  size: number;
}

export interface Executable {
  format: ExeFormat;
  littleEndian: boolean;
  /** The dedicated build-info section (`.go.buildinfo`, `__go_buildinfo`), when present. */
  buildInfoSection?: FileRange;
  /** Where Go's own reader starts looking without that section: the first writable data. */
  dataStart?: FileRange;
  regions: MappedRegion[];
}

const MAX_HEADERS = 4096;

/** `\x7fELF`, Mach-O (both widths, both byte orders) or `MZ`. */
export function exeFormatOf(head: Uint8Array): ExeFormat | undefined {
  if (head.length < 4) return undefined;
  const m = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if (m === 0x7f454c46) return 'elf';
  if (m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe) return 'macho';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'pe';
  return undefined;
}

/** Reads the headers of an executable; undefined when the format is not recognised. */
export function readExecutable(buf: Buffer): Executable | undefined {
  switch (exeFormatOf(buf)) {
    case 'elf':
      return readElf(buf);
    case 'macho':
      return readMachO(buf);
    case 'pe':
      return readPe(buf);
    default:
      return undefined;
  }
}

/** The file offset of a virtual address, when some region maps it. */
export function offsetOfAddress(exe: Executable, addr: bigint): number | undefined {
  for (const r of exe.regions) {
    if (addr >= r.vaddr && addr < r.vaddr + BigInt(r.size)) return r.offset + Number(addr - r.vaddr);
  }
  return undefined;
}

class Reader {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
  ) {}
  ok(off: number, n: number): boolean {
    return Number.isSafeInteger(off) && off >= 0 && off + n <= this.buf.length;
  }
  u16(off: number): number {
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }
  u32(off: number): number {
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }
  u64(off: number): bigint {
    return this.le ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off);
  }
  /** A file offset or size; values past the safe-integer range become -1 (never in bounds). */
  off64(off: number): number {
    const v = this.u64(off);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : -1;
  }
  cstr(off: number, max: number): string {
    let end = off;
    while (end < this.buf.length && end < off + max && this.buf[end] !== 0) end++;
    return this.buf.toString('latin1', off, end);
  }
}

function clampRange(buf: Buffer, offset: number, size: number): FileRange | undefined {
  if (offset < 0 || size <= 0 || offset >= buf.length) return undefined;
  return { offset, size: Math.min(size, buf.length - offset) };
}

const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
const SHT_NOBITS = 8;

function readElf(buf: Buffer): Executable | undefined {
  if (buf.length < 52) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] !== 2;
  const r = new Reader(buf, le);
  if (is64 && buf.length < 64) return undefined;
  const phoff = is64 ? r.off64(32) : r.u32(28);
  const shoff = is64 ? r.off64(40) : r.u32(32);
  const phentsize = r.u16(is64 ? 54 : 42);
  const phnum = r.u16(is64 ? 56 : 44);
  const shentsize = r.u16(is64 ? 58 : 46);
  const shnum = r.u16(is64 ? 60 : 48);
  const shstrndx = r.u16(is64 ? 62 : 50);
  const exe: Executable = { format: 'elf', littleEndian: le, regions: [] };

  for (let i = 0; i < Math.min(phnum, MAX_HEADERS); i++) {
    const o = phoff + i * phentsize;
    if (!r.ok(o, is64 ? 56 : 32)) break;
    if (r.u32(o) !== PT_LOAD) continue;
    const flags = is64 ? r.u32(o + 4) : r.u32(o + 24);
    const offset = is64 ? r.off64(o + 8) : r.u32(o + 4);
    const vaddr = is64 ? r.u64(o + 16) : BigInt(r.u32(o + 8));
    const filesz = is64 ? r.off64(o + 32) : r.u32(o + 16);
    const range = clampRange(buf, offset, filesz);
    if (!range) continue;
    exe.regions.push({ vaddr, ...range });
    if (!exe.dataStart && (flags & (PF_X | PF_W)) === PF_W) exe.dataStart = range;
  }

  const shSize = is64 ? 64 : 40;
  if (shnum > 0 && shstrndx < shnum && shentsize >= shSize) {
    const strHdr = shoff + shstrndx * shentsize;
    if (r.ok(strHdr, shSize)) {
      const strOff = is64 ? r.off64(strHdr + 24) : r.u32(strHdr + 16);
      for (let i = 0; i < Math.min(shnum, MAX_HEADERS); i++) {
        const o = shoff + i * shentsize;
        if (!r.ok(o, shSize)) break;
        if (r.u32(o + 4) === SHT_NOBITS) continue;
        const nameOff = strOff + r.u32(o);
        if (!r.ok(nameOff, 13) || r.cstr(nameOff, 32) !== '.go.buildinfo') continue;
        const range = clampRange(
          buf,
          is64 ? r.off64(o + 24) : r.u32(o + 16),
          is64 ? r.off64(o + 32) : r.u32(o + 20),
        );
        if (range) exe.buildInfoSection = range;
        break;
      }
    }
  }
  return exe;
}

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;

function readMachO(buf: Buffer): Executable | undefined {
  const magicBE = buf.readUInt32BE(0);
  const le = magicBE === 0xcefaedfe || magicBE === 0xcffaedfe;
  const is64 = magicBE === 0xfeedfacf || magicBE === 0xcffaedfe;
  const r = new Reader(buf, le);
  if (!r.ok(0, 32)) return undefined;
  const ncmds = r.u32(16);
  const exe: Executable = { format: 'macho', littleEndian: le, regions: [] };
  let o = is64 ? 32 : 28;
  for (let i = 0; i < Math.min(ncmds, MAX_HEADERS); i++) {
    if (!r.ok(o, 8)) break;
    const cmd = r.u32(o);
    const cmdsize = r.u32(o + 4);
    if (cmdsize < 8) break;
    if ((cmd === LC_SEGMENT_64 && r.ok(o, 72)) || (cmd === LC_SEGMENT && r.ok(o, 56))) {
      const vaddr = is64 ? r.u64(o + 24) : BigInt(r.u32(o + 24));
      const fileoff = is64 ? r.off64(o + 40) : r.u32(o + 32);
      const filesize = is64 ? r.off64(o + 48) : r.u32(o + 36);
      const segname = r.cstr(o + 8, 16);
      const nsects = r.u32(o + (is64 ? 64 : 48));
      const range = clampRange(buf, fileoff, filesize);
      if (range) {
        exe.regions.push({ vaddr, ...range });
        if (!exe.dataStart && segname === '__DATA') exe.dataStart = range;
      }
      const secSize = is64 ? 80 : 68;
      for (let s = 0; s < Math.min(nsects, MAX_HEADERS); s++) {
        const so = o + (is64 ? 72 : 56) + s * secSize;
        if (!r.ok(so, secSize)) break;
        if (r.cstr(so, 16) !== '__go_buildinfo') continue;
        const sec = clampRange(buf, r.u32(so + (is64 ? 48 : 40)), is64 ? r.off64(so + 40) : r.u32(so + 36));
        if (sec) exe.buildInfoSection = sec;
      }
    }
    o += cmdsize;
  }
  return exe;
}

const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_MEM_WRITE = 0x80000000;

function readPe(buf: Buffer): Executable | undefined {
  const r = new Reader(buf, true);
  if (!r.ok(0x3c, 4)) return undefined;
  const pe = r.u32(0x3c);
  if (!r.ok(pe, 24) || buf.readUInt32BE(pe) !== 0x50450000) return undefined;
  const nsects = r.u16(pe + 6);
  const optSize = r.u16(pe + 20);
  const opt = pe + 24;
  if (!r.ok(opt, 32)) return undefined;
  const magic = r.u16(opt);
  const imageBase = magic === 0x20b && r.ok(opt + 24, 8) ? r.u64(opt + 24) : BigInt(r.u32(opt + 28));
  const exe: Executable = { format: 'pe', littleEndian: true, regions: [] };
  for (let i = 0; i < Math.min(nsects, MAX_HEADERS); i++) {
    const o = opt + optSize + i * 40;
    if (!r.ok(o, 40)) break;
    const vsize = r.u32(o + 8);
    const vaddr = imageBase + BigInt(r.u32(o + 12));
    const range = clampRange(buf, r.u32(o + 20), Math.min(vsize || Infinity, r.u32(o + 16)));
    if (!range) continue;
    exe.regions.push({ vaddr, ...range });
    const ch = r.u32(o + 36);
    if (!exe.dataStart && (ch & IMAGE_SCN_CNT_INITIALIZED_DATA) !== 0 && (ch & IMAGE_SCN_MEM_WRITE) !== 0)
      exe.dataStart = range;
    if (r.cstr(o, 8) === '.go.buildinfo') exe.buildInfoSection = range;
  }
  return exe;
}
