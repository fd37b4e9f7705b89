/**
 * A read-only reader for the values of a Berkeley DB hash database (the format of the rpmdb
 * `Packages` file of RHEL/CentOS 7-8, UBI 8, Amazon Linux 2), from a buffer: metadata page,
 * hash pages of key/data items, off-page (overflow) items. Bounded against malformed files.
 */

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_HASH = 13;
const P_OVERFLOW = 7;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;

export function readBdbHashValues(buf: Buffer): Buffer[] {
  if (buf.length < 512) throw new Error('not a Berkeley DB file (too short)');
  let le: boolean;
  if (buf.readUInt32LE(12) === HASH_MAGIC) le = true;
  else if (buf.readUInt32BE(12) === HASH_MAGIC) le = false;
  else throw new Error('not a Berkeley DB hash database');
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new Error(`bad Berkeley DB page size ${pageSize}`);
  if (buf[24] !== 0) throw new Error('encrypted Berkeley DB databases are not supported');
  const pages = Math.floor(buf.length / pageSize);
  const values: Buffer[] = [];

  const overflow = (first: number, total: number): Buffer => {
    if (total > 256 * 1024 * 1024) throw new Error('Berkeley DB item too large');
    const parts: Buffer[] = [];
    let got = 0;
    let p = first;
    for (let guard = 0; p !== 0 && got < total; guard++) {
      if (guard > pages || p >= pages) throw new Error('bad Berkeley DB overflow chain');
      const base = p * pageSize;
      if (buf[base + 25] !== P_OVERFLOW) throw new Error(`page ${p} is not an overflow page`);
      const len = Math.min(u16(base + 22), pageSize - PAGE_HEADER, total - got);
      parts.push(buf.subarray(base + PAGE_HEADER, base + PAGE_HEADER + len));
      got += len;
      p = u32(base + 16);
    }
    if (got < total) throw new Error('truncated Berkeley DB overflow chain');
    return Buffer.concat(parts, total);
  };

  for (let p = 1; p < pages; p++) {
    const base = p * pageSize;
    const type = buf[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + 20);
    if (PAGE_HEADER + entries * 2 > pageSize) throw new Error(`bad entry count on page ${p}`);
    const offsets = Array.from({ length: entries }, (_, i) => u16(base + PAGE_HEADER + 2 * i));
    // Items alternate key, data; data items are the odd ones.
    for (let i = 1; i < entries; i += 2) {
      const off = offsets[i]!;
      if (off >= pageSize) throw new Error(`bad item offset on page ${p}`);
      const item = base + off;
      const kind = buf[item];
      if (kind === H_OFFPAGE) {
        values.push(overflow(u32(item + 4), u32(item + 8)));
      } else if (kind === H_KEYDATA) {
        const end = i === 0 ? pageSize : offsets[i - 1]!;
        if (end <= off || end > pageSize) throw new Error(`bad item length on page ${p}`);
        values.push(Buffer.from(buf.subarray(item + 1, base + end)));
      }
    }
  }
  return values;
}
