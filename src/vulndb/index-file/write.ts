/**
 * Writes an advisory index file (layout in format.ts) to a temporary file beside the target,
 * flushes it, and renames it into place: a reader sees the old file or the new one, never a mix.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { AdvisoryCoverage, PackageKey } from '../store-index.js';
import type { OsAdvisory } from '../types.js';
import { END_MAGIC, FORMAT, FORMAT_VERSION, MAGIC, OS_KEY_ENTRY, OSV_KEY_ENTRY, OSV_RECORD_ENTRY, osKey, osvKey, TRAILER_SIZE, type IndexHeader, type SectionName } from './format.js';

const U32_MAX = 0xffff_ffff;

function u32(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > U32_MAX) throw new Error(`advisory index: ${what} (${n}) does not fit the format (4 GiB per section)`);
  return n;
}

export interface IndexMeta {
  storeId: string;
  generation: string;
  coverage: AdvisoryCoverage;
  sources?: { id: string; importedAt: string; checkedAt: string | null }[];
}

export class IndexWriter {
  private readonly tmp: string;
  private fd: number;
  private pos = 0;
  private blobBytes = 0;
  private readonly osvRecords: number[] = []; // off, len, crc per record
  private readonly osvKeys = new Map<string, number[]>();
  private readonly osKeys: { key: Buffer; off: number; len: number; crc: number }[] = [];
  private osAdvisories = 0;
  private lastOsvId: string | undefined;

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.fd = openSync(this.tmp, 'wx', 0o644);
    this.write(MAGIC);
  }

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushedTo = 0;

  /** Appends; written out in runs of about a megabyte. */
  private write(b: Buffer): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.pos += b.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
  }

  private flush(): void {
    const b = Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, this.flushedTo + done);
    this.flushedTo += b.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private blob(text: string): [number, number, number] {
    const b = Buffer.from(text, 'utf8');
    const off = this.blobBytes;
    this.write(b);
    this.blobBytes += b.length;
    return [u32(off, 'blob offset'), u32(b.length, 'blob length'), crc32(b)];
  }

  /** One OSV record that is not withdrawn, as the store's JSON text; records must come in id order (bytewise). */
  addOsvRecord(id: string, text: string, packages: PackageKey[]): void {
    if (this.lastOsvId !== undefined && Buffer.compare(Buffer.from(this.lastOsvId), Buffer.from(id)) >= 0) throw new Error(`advisory index: OSV record "${id}" out of order`);
    this.lastOsvId = id;
    const n = this.osvRecords.length / 3;
    this.osvRecords.push(...this.blob(text));
    for (const k of new Set(packages.map((p) => osvKey(p.ecosystem, p.name)))) {
      const list = this.osvKeys.get(k);
      if (list) list.push(n);
      else this.osvKeys.set(k, [n]);
    }
  }

  /** All advisories of one source package of one release, in import order. */
  addOsPackage(distro: string, release: string, pkg: string, advisories: OsAdvisory[]): void {
    const [off, len, crc] = this.blob(JSON.stringify(advisories));
    this.osKeys.push({ key: Buffer.from(osKey(distro, release, pkg), 'utf8'), off, len, crc });
    this.osAdvisories += advisories.length;
  }

  /** Writes tables, header and trailer, flushes, and renames the file into place. */
  finish(meta: IndexMeta): IndexHeader {
    try {
      const sections = {} as Record<SectionName, [number, number]>;
      sections.blobs = [MAGIC.length, this.blobBytes];
      const hash = createHash('sha256');
      const table = (name: SectionName, b: Buffer) => {
        sections[name] = [this.pos, b.length];
        hash.update(b);
        this.write(b);
      };
      const recs = Buffer.alloc((this.osvRecords.length / 3) * OSV_RECORD_ENTRY);
      for (let i = 0; i < this.osvRecords.length; i++) recs.writeUInt32LE(this.osvRecords[i]!, i * 4);
      table('osvRecords', recs);

      const osv = [...this.osvKeys.entries()].map(([k, list]) => ({ key: Buffer.from(k, 'utf8'), list })).sort((a, b) => Buffer.compare(a.key, b.key));
      const keyTable = Buffer.alloc(osv.length * OSV_KEY_ENTRY);
      const lists = Buffer.alloc(osv.reduce((n, e) => n + e.list.length, 0) * 4);
      let strOff = 0;
      let slot = 0;
      osv.forEach((e, i) => {
        keyTable.writeUInt32LE(u32(strOff, 'key offset'), i * OSV_KEY_ENTRY);
        keyTable.writeUInt32LE(e.key.length, i * OSV_KEY_ENTRY + 4);
        keyTable.writeUInt32LE(slot, i * OSV_KEY_ENTRY + 8);
        keyTable.writeUInt32LE(e.list.length, i * OSV_KEY_ENTRY + 12);
        for (const n of e.list) lists.writeUInt32LE(n, 4 * slot++);
        strOff += e.key.length;
      });
      table('osvKeys', keyTable);
      table('osvKeyStrings', Buffer.concat(osv.map((e) => e.key)));
      table('osvLists', lists);

      const os = [...this.osKeys].sort((a, b) => Buffer.compare(a.key, b.key));
      for (let i = 1; i < os.length; i++) if (Buffer.compare(os[i - 1]!.key, os[i]!.key) === 0) throw new Error('advisory index: one OS package given twice');
      const osTable = Buffer.alloc(os.length * OS_KEY_ENTRY);
      strOff = 0;
      os.forEach((e, i) => {
        [u32(strOff, 'key offset'), e.key.length, e.off, e.len, e.crc].forEach((v, j) => osTable.writeUInt32LE(v, i * OS_KEY_ENTRY + 4 * j));
        strOff += e.key.length;
      });
      table('osKeys', osTable);
      table('osKeyStrings', Buffer.concat(os.map((e) => e.key)));

      const header: IndexHeader = {
        format: FORMAT,
        version: FORMAT_VERSION,
        storeId: meta.storeId,
        generation: meta.generation,
        builtAt: new Date().toISOString(),
        sections,
        counts: { osvRecords: this.osvRecords.length / 3, osvKeys: osv.length, osKeys: os.length, osAdvisories: this.osAdvisories },
        coverage: meta.coverage,
        ...(meta.sources ? { sources: meta.sources } : {}),
      };
      const hb = Buffer.from(JSON.stringify(header), 'utf8');
      hash.update(hb);
      this.write(hb);
      const trailer = Buffer.alloc(TRAILER_SIZE);
      trailer.writeUInt32LE(hb.length, 0);
      trailer.writeUInt32LE(FORMAT_VERSION, 4);
      hash.digest().copy(trailer, 8);
      END_MAGIC.copy(trailer, 40);
      this.write(trailer);
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.tmp, this.path);
      syncDir(dirname(this.path));
      return header;
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Drops the temporary file (the previous index, if any, stays). */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** Makes the rename durable where the platform allows opening a directory. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here (e.g. some network file systems): the rename itself is still atomic
  }
}
