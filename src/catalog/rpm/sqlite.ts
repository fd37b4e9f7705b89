/**
 * A minimal read-only reader for one table of an SQLite 3 database file
 * (https://www.sqlite.org/fileformat2.html): enough to read rpm's `Packages(hnum, blob)` table
 * from a buffer synchronously, with overflow pages, and bounded against malformed files.
 * The write-ahead log (`-wal`) is not read: only checkpointed content is seen.
 */

const MAGIC = 'SQLite format 3\u0000';

type Value = null | number | bigint | string | Buffer;

function varint(buf: Buffer, off: number): [bigint, number] {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    const b = buf[off + i];
    if (b === undefined) throw new Error('truncated varint');
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) return [v, off + i + 1];
  }
  const b = buf[off + 8];
  if (b === undefined) throw new Error('truncated varint');
  return [(v << 8n) | BigInt(b), off + 9];
}

export class SqliteReader {
  private readonly pageSize: number;
  private readonly usable: number;
  private readonly pageCount: number;

  constructor(private readonly buf: Buffer) {
    if (buf.length < 100 || buf.toString('latin1', 0, 16) !== MAGIC) throw new Error('not an SQLite 3 database');
    const ps = buf.readUInt16BE(16);
    this.pageSize = ps === 1 ? 65536 : ps;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new Error(`bad SQLite page size ${ps}`);
    this.usable = this.pageSize - buf[20]!;
    this.pageCount = Math.floor(buf.length / this.pageSize);
  }

  private page(n: number): number {
    if (n < 1 || n > this.pageCount) throw new Error(`SQLite page ${n} out of range`);
    return (n - 1) * this.pageSize;
  }

  /** Every row of the table whose b-tree root is `root`, as value arrays. */
  *rows(root: number): Generator<Value[]> {
    const stack = [root];
    let visited = 0;
    while (stack.length > 0) {
      if (++visited > this.pageCount) throw new Error('SQLite b-tree loop');
      const pageNo = stack.pop()!;
      const base = this.page(pageNo);
      const hdr = base + (pageNo === 1 ? 100 : 0);
      const type = this.buf[hdr];
      const cells = this.buf.readUInt16BE(hdr + 3);
      if (type === 0x05) {
        const right = this.buf.readUInt32BE(hdr + 8);
        const children: number[] = [];
        for (let i = 0; i < cells; i++) children.push(this.buf.readUInt32BE(base + this.buf.readUInt16BE(hdr + 12 + 2 * i)));
        children.push(right);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      } else if (type === 0x0d) {
        for (let i = 0; i < cells; i++) yield this.record(this.payload(base + this.buf.readUInt16BE(hdr + 8 + 2 * i)));
      } else {
        throw new Error(`unexpected SQLite page type ${type} on page ${pageNo}`);
      }
    }
  }

  private payload(cell: number): Buffer {
    const [psize, p1] = varint(this.buf, cell);
    const [, p2] = varint(this.buf, p1); // rowid
    const P = Number(psize);
    if (P > 256 * 1024 * 1024) throw new Error('SQLite payload too large');
    const U = this.usable;
    const X = U - 35;
    if (P <= X) return this.buf.subarray(p2, p2 + P);
    const M = Math.floor(((U - 12) * 32) / 255) - 23;
    const K = M + ((P - M) % (U - 4));
    const local = K <= X ? K : M;
    const parts = [this.buf.subarray(p2, p2 + local)];
    let got = local;
    let next = this.buf.readUInt32BE(p2 + local);
    let guard = 0;
    while (got < P && next !== 0) {
      if (++guard > this.pageCount) throw new Error('SQLite overflow loop');
      const o = this.page(next);
      const take = Math.min(U - 4, P - got);
      parts.push(this.buf.subarray(o + 4, o + 4 + take));
      got += take;
      next = this.buf.readUInt32BE(o);
    }
    if (got < P) throw new Error('truncated SQLite overflow chain');
    return Buffer.concat(parts, P);
  }

  private record(p: Buffer): Value[] {
    const [hsize, h1] = varint(p, 0);
    let off = h1;
    let data = Number(hsize);
    const out: Value[] = [];
    while (off < Number(hsize)) {
      const [st, next] = varint(p, off);
      off = next;
      const t = Number(st);
      if (t === 0) out.push(null);
      else if (t >= 1 && t <= 6) {
        const len = [0, 1, 2, 3, 4, 6, 8][t]!;
        let v = 0n;
        for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(p[data + i]!);
        if (len > 0 && p[data]! & 0x80) v -= 1n << BigInt(len * 8);
        out.push(len <= 6 ? Number(v) : v);
        data += len;
      } else if (t === 7) {
        out.push(p.readDoubleBE(data));
        data += 8;
      } else if (t === 8 || t === 9) out.push(t - 8);
      else if (t >= 12) {
        const len = t % 2 === 0 ? (t - 12) / 2 : (t - 13) / 2;
        const slice = p.subarray(data, data + len);
        out.push(t % 2 === 0 ? Buffer.from(slice) : slice.toString('utf8'));
        data += len;
      } else throw new Error(`bad SQLite serial type ${t}`);
    }
    return out;
  }

  /** Root page of a table by name, from sqlite_master. */
  tableRoot(name: string): number | undefined {
    for (const row of this.rows(1)) {
      if (row[0] === 'table' && row[1] === name && typeof row[3] === 'number') return row[3];
    }
    return undefined;
  }
}
