/**
 * Random access to members of a tar file on disk (for oci-archive and docker-archive): one pass over
 * the headers with seeks, no member content read. Supports ustar, GNU long names and pax paths.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { PortcullisError } from '../core/index.js';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  type: string;
  linkname?: string;
}

function invalid(file: string, why: string): never {
  throw new PortcullisError({
    code: 'ARCHIVE_INVALID',
    message: `Cannot read archive "${file}": ${why}`,
    hint: 'The archive is corrupt or truncated; export it again (e.g. with skopeo copy or docker save).',
  });
}

function readString(buf: Buffer, start: number, len: number): string {
  let end = start;
  while (end < start + len && buf[end] !== 0) end++;
  return buf.toString('utf8', start, end);
}

function readNumber(buf: Buffer, start: number, len: number): number {
  if (buf[start]! & 0x80) {
    // base-256
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = readString(buf, start, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = readNumber(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

function normalise(name: string): string {
  return name.replace(/^\.\//, '').replace(/\/+$/, '');
}

const MAX_MEMBERS = 100_000;
const MAX_META = 1 << 20;

export class TarIndex {
  private constructor(
    readonly file: string,
    readonly members: Map<string, TarMember>,
  ) {}

  static async open(file: string): Promise<TarIndex> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot open "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, hint: 'Check the path.', cause: err });
    }
    try {
      const { size: fileSize } = await fh.stat();
      const members = new Map<string, TarMember>();
      const header = Buffer.alloc(512);
      let pos = 0;
      let longName: string | undefined;
      let paxPath: string | undefined;
      let count = 0;
      for (;;) {
        if (pos + 512 > fileSize) invalid(file, 'truncated (no end-of-archive marker)');
        await fh.read(header, 0, 512, pos);
        if (header.every((b) => b === 0)) break;
        if (!checksumOk(header)) invalid(file, `bad header checksum at offset ${pos}`);
        if (++count > MAX_MEMBERS) invalid(file, `more than ${MAX_MEMBERS} members`);
        const size = readNumber(header, 124, 12);
        const type = String.fromCharCode(header[156] || 48);
        const dataStart = pos + 512;
        if (dataStart + size > fileSize) invalid(file, `member at offset ${pos} extends past the end of the file`);
        const readMeta = async () => {
          if (size > MAX_META) invalid(file, 'oversized extended header');
          const b = Buffer.alloc(size);
          await fh.read(b, 0, size, dataStart);
          return b;
        };
        if (type === 'L') {
          longName = readString(await readMeta(), 0, size);
        } else if (type === 'x') {
          const meta = (await readMeta()).toString('utf8');
          const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(meta);
          if (m) paxPath = m[1];
        } else if (type === 'g' || type === 'K') {
          // global pax header / GNU long link name: not needed
        } else {
          let name = readString(header, 0, 100);
          const magic = readString(header, 257, 6);
          if (magic.startsWith('ustar')) {
            const prefix = readString(header, 345, 155);
            if (prefix) name = `${prefix}/${name}`;
          }
          name = paxPath ?? longName ?? name;
          longName = undefined;
          paxPath = undefined;
          const linkname = readString(header, 157, 100);
          const member: TarMember = { name: normalise(name), offset: dataStart, size, type, ...(linkname ? { linkname } : {}) };
          members.set(member.name, member);
        }
        pos = dataStart + Math.ceil(size / 512) * 512;
      }
      return new TarIndex(file, members);
    } finally {
      await fh.close();
    }
  }

  /** Resolves hardlinks/symlinks inside the archive (docker save uses symlinks for shared layers). */
  private member(name: string): TarMember | undefined {
    let m = this.members.get(normalise(name));
    for (let hops = 0; m && (m.type === '1' || m.type === '2') && m.linkname && hops < 10; hops++) {
      const target = m.type === '2' && !m.linkname.startsWith('/') ? joinRel(m.name, m.linkname) : normalise(m.linkname);
      m = this.members.get(target);
    }
    return m && m.type !== '1' && m.type !== '2' ? m : undefined;
  }

  has(name: string): boolean {
    return this.member(name) !== undefined;
  }

  sizeOf(name: string): number | undefined {
    return this.member(name)?.size;
  }

  async read(name: string, limit: number): Promise<Buffer> {
    const m = this.member(name);
    if (!m) throw new PortcullisError({ code: 'BLOB_MISSING', message: `"${name}" is not in archive "${this.file}"`, hint: 'The archive is incomplete; export it again.' });
    if (m.size > limit) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `"${name}" in "${this.file}" is ${m.size} bytes, over the ${limit}-byte limit`, hint: 'This does not look like image metadata; check the archive.' });
    const fh = await open(this.file, 'r');
    try {
      const b = Buffer.alloc(m.size);
      await fh.read(b, 0, m.size, m.offset);
      return b;
    } finally {
      await fh.close();
    }
  }

  stream(name: string): Readable {
    const m = this.member(name);
    if (!m) throw new PortcullisError({ code: 'BLOB_MISSING', message: `"${name}" is not in archive "${this.file}"`, hint: 'The archive is incomplete; export it again.' });
    if (m.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 });
  }
}

function joinRel(from: string, link: string): string {
  const parts = from.split('/');
  parts.pop();
  for (const seg of link.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}
