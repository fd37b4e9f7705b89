/**
 * Go build information embedded in binaries, read the way `debug/buildinfo` does:
 *
 * - the 32-byte header starts with `\xff Go buildinf:` at a 16-byte-aligned address, in the
 *   `.go.buildinfo` section (ELF, PE) / `__go_buildinfo` (Mach-O), else near the first writable
 *   data; we also scan the whole file as a last resort (stripped or unusual layouts);
 * - header byte 14 is the pointer size, byte 15 the flags: bit 1 = big-endian pointers,
 *   bit 2 = Go 1.18+ inline format (varint-length-prefixed Go version and module info right after
 *   the header);
 * - otherwise (Go 1.13–1.17) bytes 16 and 16+ptrSize hold the addresses of two Go string headers
 *   (`runtime.buildVersion`, `runtime.modinfo`), which we map to file offsets through the
 *   program headers / segments / sections;
 * - module info is framed by two 16-byte sentinels, kept only when the text ends in a newline
 *   right before the closing sentinel.
 */
import { PortcullisError } from '../../core/index.js';
import { offsetOfAddress, readExecutable, type Executable, type FileRange } from './exe.js';
import { parseModinfo, type GoModInfo } from './parse-modinfo.js';

export type { GoModInfo, GoModule } from './parse-modinfo.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;
/** How far past the data start Go's reader looks for the header. */
const DATA_SEARCH = 64 * 1024;
/** Far more than any real module list (Kubernetes binaries carry ~40 KiB). */
const MAX_STRING = 16 * 1024 * 1024;

export interface GoBuildInfo extends GoModInfo {
  /** As recorded (`go1.19.8`, `go1.22.3 X:boringcrypto`, `devel go1.23-abc…`). */
  goVersion: string;
  /** Which layout the header used. */
  format: 'inline' | 'pointer';
  /** Executable container, when recognised. */
  exe?: Executable['format'];
}

function damaged(detail: string): never {
  throw new PortcullisError({ code: 'ARCHIVE_INVALID', message: `Go build info is damaged: ${detail}` });
}

/** Offset of the first 16-byte-aligned (relative to `range.offset`) magic inside `range`. */
function findMagic(buf: Buffer, range: FileRange): number | undefined {
  const end = Math.min(buf.length, range.offset + range.size);
  let at = buf.indexOf(MAGIC, range.offset);
  while (at >= 0 && at + HEADER_SIZE <= end) {
    if ((at - range.offset) % 16 === 0) return at;
    at = buf.indexOf(MAGIC, at + 1);
  }
  return undefined;
}

function locateHeader(buf: Buffer, exe: Executable | undefined): number | undefined {
  const ranges: FileRange[] = [];
  if (exe?.buildInfoSection) ranges.push(exe.buildInfoSection);
  if (exe?.dataStart)
    ranges.push({ offset: exe.dataStart.offset, size: Math.min(exe.dataStart.size, DATA_SEARCH) });
  ranges.push({ offset: 0, size: buf.length });
  for (const r of ranges) {
    const at = findMagic(buf, r);
    if (at !== undefined) return at;
  }
  return undefined;
}

function readUvarint(buf: Buffer, off: number): [value: number, next: number] {
  let v = 0;
  for (let i = 0, shift = 0; i < 10; i++, shift += 7) {
    if (off + i >= buf.length) damaged('length prefix runs past the end of the file');
    const b = buf[off + i]!;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [v, off + i + 1];
  }
  return damaged('length prefix is not a varint');
}

/** Drops the sentinels around module info, as Go does; empty when they are not where expected. */
export function stripModinfoSentinels(mod: Uint8Array): Uint8Array {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.subarray(16, mod.length - 16);
  return new Uint8Array(0);
}

function readInline(buf: Buffer, at: number): [version: Uint8Array, mod: Uint8Array] {
  const strings: Uint8Array[] = [];
  let off = at + HEADER_SIZE;
  for (let i = 0; i < 2; i++) {
    const [n, start] = readUvarint(buf, off);
    if (n > MAX_STRING || start + n > buf.length) damaged(`a ${n}-byte string runs past the end of the file`);
    strings.push(buf.subarray(start, start + n));
    off = start + n;
  }
  return [strings[0]!, strings[1]!];
}

function readPointers(
  buf: Buffer,
  at: number,
  exe: Executable | undefined,
): [version: Uint8Array, mod: Uint8Array] | undefined {
  const ptrSize = buf[at + 14]!;
  if (ptrSize !== 4 && ptrSize !== 8) damaged(`pointer size ${ptrSize} (expected 4 or 8)`);
  if (!exe) return undefined;
  const be = (buf[at + 15]! & FLAG_BIG_ENDIAN) !== 0;
  const readPtr = (off: number): bigint | undefined => {
    if (off < 0 || off + ptrSize > buf.length) return undefined;
    if (ptrSize === 8) return be ? buf.readBigUInt64BE(off) : buf.readBigUInt64LE(off);
    return BigInt(be ? buf.readUInt32BE(off) : buf.readUInt32LE(off));
  };
  // A Go string header at `addr`: data pointer, then length.
  const readString = (addr: bigint | undefined): Uint8Array | undefined => {
    if (addr === undefined) return undefined;
    const hdr = offsetOfAddress(exe, addr);
    if (hdr === undefined) return undefined;
    const dataAddr = readPtr(hdr);
    const len = readPtr(hdr + ptrSize);
    if (dataAddr === undefined || len === undefined) return undefined;
    if (len === 0n) return new Uint8Array(0);
    if (len > BigInt(MAX_STRING)) damaged(`string length ${len} is implausible`);
    const data = offsetOfAddress(exe, dataAddr);
    if (data === undefined || data + Number(len) > buf.length) return undefined;
    return buf.subarray(data, data + Number(len));
  };
  const version = readString(readPtr(at + 16));
  if (version === undefined) damaged('the Go version pointer does not map into the file');
  return [version, readString(readPtr(at + 16 + ptrSize)) ?? new Uint8Array(0)];
}

/**
 * Extracts build info from a Go binary; undefined when the file has none (not a Go program, or
 * a Go program linked without it). Throws ARCHIVE_INVALID when the header is there but its
 * contents cannot be read.
 */
export function readGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  const exe = readExecutable(buf);
  const at = locateHeader(buf, exe);
  if (at === undefined) return undefined;
  const flags = buf[at + 15]!;
  const format = (flags & FLAG_INLINE) !== 0 ? 'inline' : 'pointer';
  const strings = format === 'inline' ? readInline(buf, at) : readPointers(buf, at, exe);
  if (!strings) damaged('pre-Go 1.18 pointer format in a file whose headers cannot map addresses');
  const goVersion = Buffer.from(strings[0]).toString('utf8');
  if (goVersion === '') return undefined;
  const mod = Buffer.from(stripModinfoSentinels(strings[1])).toString('utf8');
  return { goVersion, format, ...(exe ? { exe: exe.format } : {}), ...parseModinfo(mod) };
}
