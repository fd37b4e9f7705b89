/**
 * A read-only reader for rpm's native database `Packages.db` (the "ndb" backend, default on
 * SUSE Linux Enterprise 15 SP3+ and openSUSE), from a buffer. Layout, all integers little-endian:
 *
 * - header (first 32 bytes of the slot area): magic `RpmP`, version 0, generation, number of
 *   4096-byte slot pages, next package index;
 * - slots (16 bytes each, after the header, filling the slot pages): magic `Slot`, package index,
 *   block offset, block count; a zero block offset marks a free slot;
 * - blobs at `block offset × 16`: head (magic `BlbS`, package index, timestamp, length), the
 *   header blob, padding, tail (adler32, length, magic `BlbE`).
 *
 * Bounded against malformed files: every offset and length is checked against the buffer.
 */

const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const HEADER_SIZE = 32;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;

const fourcc = (s: string) => s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | ((s.charCodeAt(3) << 24) >>> 0);
const DB_MAGIC = fourcc('RpmP') >>> 0;
const SLOT_MAGIC = fourcc('Slot') >>> 0;
const BLOB_MAGIC = fourcc('BlbS') >>> 0;
const BLOB_TAIL_MAGIC = fourcc('BlbE') >>> 0;

/** Whether a buffer starts like an ndb package database. */
export function isNdb(buf: Buffer): boolean {
  return buf.length >= HEADER_SIZE && buf.readUInt32LE(0) === DB_MAGIC;
}

/** The header blobs of every package, in package-index order. */
export function readNdbBlobs(buf: Buffer): Buffer[] {
  if (!isNdb(buf)) throw new Error('not an rpm ndb Packages.db (bad magic)');
  const version = buf.readUInt32LE(4);
  if (version !== 0) throw new Error(`unsupported ndb version ${version}`);
  const slotPages = buf.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE_SIZE > buf.length) throw new Error(`bad ndb slot page count ${slotPages}`);
  const fileBlocks = Math.floor(buf.length / BLK_SIZE);
  const minBlock = (slotPages * PAGE_SIZE) / BLK_SIZE;
  const found: { pkgIdx: number; blob: Buffer }[] = [];
  for (let o = HEADER_SIZE; o < slotPages * PAGE_SIZE; o += SLOT_SIZE) {
    if (buf.readUInt32LE(o) !== SLOT_MAGIC) throw new Error(`bad ndb slot at offset ${o}`);
    const blkOff = buf.readUInt32LE(o + 8);
    if (blkOff === 0) continue; // free slot
    const pkgIdx = buf.readUInt32LE(o + 4);
    const blkCnt = buf.readUInt32LE(o + 12);
    if (pkgIdx === 0 || blkCnt === 0 || blkOff < minBlock || blkOff + blkCnt > fileBlocks) {
      throw new Error(`bad ndb slot for package ${pkgIdx}`);
    }
    const start = blkOff * BLK_SIZE;
    if (buf.readUInt32LE(start) !== BLOB_MAGIC || buf.readUInt32LE(start + 4) !== pkgIdx) {
      throw new Error(`bad ndb blob head for package ${pkgIdx}`);
    }
    const len = buf.readUInt32LE(start + 12);
    if (Math.ceil((BLOB_HEAD + len + BLOB_TAIL) / BLK_SIZE) !== blkCnt) throw new Error(`bad ndb blob length for package ${pkgIdx}`);
    const tail = start + blkCnt * BLK_SIZE - BLOB_TAIL;
    if (buf.readUInt32LE(tail + 4) !== len || buf.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC) {
      throw new Error(`bad ndb blob tail for package ${pkgIdx}`);
    }
    found.push({ pkgIdx, blob: buf.subarray(start + BLOB_HEAD, start + BLOB_HEAD + len) });
  }
  return found.sort((a, b) => a.pkgIdx - b.pkgIdx).map((f) => f.blob);
}
