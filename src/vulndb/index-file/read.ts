/**
 * Reads an advisory index file: trailer, header and key tables once (checked against the
 * trailer's digest), then only the blobs of the packages asked for (each checked by CRC-32).
 * The file is opened once; a rename that replaces it meanwhile does not affect this reader.
 */
import type { SourceTimes } from '../freshness.js';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { OsvRecord } from '../osv.js';
import type { AdvisoryCoverage, AdvisoryData, PackageKey } from '../store-index.js';
import type { OsAdvisory } from '../types.js';
import { END_MAGIC, FORMAT, FORMAT_VERSION, IndexUnusable, likeMatch, MAGIC, OS_KEY_ENTRY, OSV_KEY_ENTRY, OSV_RECORD_ENTRY, osKey, osvKey, TRAILER_SIZE, type IndexHeader, type SectionName } from './format.js';

const MAX_HEADER = 64 * 1024 * 1024;

export interface OpenIndexOptions {
  /** The store the index must belong to (`storeIdOf(dataDir)`); a file of another store is refused. */
  storeId?: string;
}

export class AdvisoryIndexFile implements AdvisoryData {
  private fd: number;
  private readonly tables: Record<Exclude<SectionName, 'blobs'>, Buffer>;
  private readonly blobStart: number;

  private constructor(
    fd: number,
    readonly header: IndexHeader,
    tables: Record<Exclude<SectionName, 'blobs'>, Buffer>,
  ) {
    this.fd = fd;
    this.tables = tables;
    this.blobStart = header.sections.blobs[0];
  }

  /** Opens and checks an index file; throws `IndexUnusable` saying why it cannot be used. */
  static open(path: string, opts: OpenIndexOptions = {}): AdvisoryIndexFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexUnusable('missing', `no advisory index at "${path}"`);
      throw new IndexUnusable('corrupt', `cannot read the advisory index "${path}": ${(err as Error).message}`);
    }
    try {
      return AdvisoryIndexFile.check(fd, path, opts);
    } catch (err) {
      closeSync(fd);
      if (err instanceof IndexUnusable) throw err;
      throw new IndexUnusable('corrupt', `cannot read the advisory index "${path}": ${(err as Error).message}`);
    }
  }

  private static check(fd: number, path: string, opts: OpenIndexOptions): AdvisoryIndexFile {
    const size = fstatSync(fd).size;
    const bad = (why: string) => new IndexUnusable('corrupt', `advisory index "${path}" is damaged or incomplete: ${why}`);
    if (size < MAGIC.length + TRAILER_SIZE) throw bad('too short');
    if (!read(fd, 0, MAGIC.length).equals(MAGIC)) throw new IndexUnusable('version', `"${path}" is not an advisory index of this format`);
    const trailer = read(fd, size - TRAILER_SIZE, TRAILER_SIZE);
    if (!trailer.subarray(40).equals(END_MAGIC)) throw bad('no trailer');
    const version = trailer.readUInt32LE(4);
    if (version !== FORMAT_VERSION) throw new IndexUnusable('version', `advisory index "${path}" has format version ${version}; this build reads version ${FORMAT_VERSION}`);
    const headerLen = trailer.readUInt32LE(0);
    const headerStart = size - TRAILER_SIZE - headerLen;
    if (headerLen > MAX_HEADER || headerStart < MAGIC.length) throw bad('header length');
    const hb = read(fd, headerStart, headerLen);
    let header: IndexHeader;
    try {
      header = JSON.parse(hb.toString('utf8')) as IndexHeader;
    } catch {
      throw bad('header is not JSON');
    }
    if (header.format !== FORMAT || header.version !== FORMAT_VERSION) throw new IndexUnusable('version', `advisory index "${path}" is of another format or version`);
    const s = header.sections;
    const tablesStart = s?.osvRecords?.[0];
    if (!Number.isInteger(tablesStart) || tablesStart < MAGIC.length || tablesStart > headerStart || s.blobs[0] !== MAGIC.length || s.blobs[0] + s.blobs[1] !== tablesStart) throw bad('section layout');
    const all = read(fd, tablesStart, headerStart - tablesStart);
    const digest = createHash('sha256').update(all).update(hb).digest();
    if (!digest.equals(trailer.subarray(8, 40))) throw bad('checksum mismatch');
    const tables = {} as Record<Exclude<SectionName, 'blobs'>, Buffer>;
    for (const name of ['osvRecords', 'osvKeys', 'osvKeyStrings', 'osvLists', 'osKeys', 'osKeyStrings'] as const) {
      const [off, len] = s[name];
      if (off < tablesStart || off + len > headerStart) throw bad(`section ${name}`);
      tables[name] = all.subarray(off - tablesStart, off - tablesStart + len);
    }
    if (opts.storeId !== undefined && header.storeId !== opts.storeId) throw new IndexUnusable('foreign', `advisory index "${path}" belongs to another store (${header.storeId}, this data directory's is ${opts.storeId})`);
    return new AdvisoryIndexFile(fd, header, tables);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private blob(off: number, len: number, crc: number): Buffer {
    if (off + len > this.header.sections.blobs[1]) throw new IndexUnusable('corrupt', 'advisory index: a blob lies outside its section');
    const b = read(this.fd, this.blobStart + off, len);
    if (crc32(b) !== crc) throw new IndexUnusable('corrupt', 'advisory index: a record fails its CRC-32 check (the file is damaged)');
    return b;
  }

  /** Binary search of a sorted key table; the entry number or -1. */
  private find(keys: Buffer, strings: Buffer, entry: number, key: string): number {
    const want = Buffer.from(key, 'utf8');
    let lo = 0;
    let hi = keys.length / entry - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const off = keys.readUInt32LE(mid * entry);
      const c = want.compare(strings, off, off + keys.readUInt32LE(mid * entry + 4));
      if (c === 0) return mid;
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }

  async osvRecords(keys: PackageKey[]): Promise<OsvRecord[]> {
    const { osvKeys, osvKeyStrings, osvLists, osvRecords } = this.tables;
    const numbers = new Set<number>();
    for (const k of keys) {
      const e = this.find(osvKeys, osvKeyStrings, OSV_KEY_ENTRY, osvKey(k.ecosystem, k.name));
      if (e < 0) continue;
      const first = osvKeys.readUInt32LE(e * OSV_KEY_ENTRY + 8);
      const count = osvKeys.readUInt32LE(e * OSV_KEY_ENTRY + 12);
      for (let i = first; i < first + count; i++) numbers.add(osvLists.readUInt32LE(i * 4));
    }
    return [...numbers]
      .sort((a, b) => a - b)
      .map((n) => {
        const at = n * OSV_RECORD_ENTRY;
        return JSON.parse(this.blob(osvRecords.readUInt32LE(at), osvRecords.readUInt32LE(at + 4), osvRecords.readUInt32LE(at + 8)).toString('utf8')) as OsvRecord;
      });
  }

  async hasOsvEcosystem(osvEco: string): Promise<boolean> {
    const w = osvEco.toLowerCase();
    return this.header.coverage.osvEcosystems.some((e) => e === w || likeMatch(e, `${w}:%`));
  }

  async osAdvisories(distro: string, release: string, packages: string[]): Promise<OsAdvisory[]> {
    const { osKeys, osKeyStrings } = this.tables;
    const out: OsAdvisory[] = [];
    for (const p of new Set(packages)) {
      const e = this.find(osKeys, osKeyStrings, OS_KEY_ENTRY, osKey(distro, release, p));
      if (e < 0) continue;
      const at = e * OS_KEY_ENTRY;
      out.push(...(JSON.parse(this.blob(osKeys.readUInt32LE(at + 8), osKeys.readUInt32LE(at + 12), osKeys.readUInt32LE(at + 16)).toString('utf8')) as OsAdvisory[]));
    }
    return out;
  }

  async hasRelease(distro: string, release: string): Promise<boolean> {
    return this.header.coverage.osReleases.some((r) => r.distro === distro && r.release === release);
  }

  async coverage(): Promise<AdvisoryCoverage> {
    return this.header.coverage;
  }

  async languagesWithData(ecosystems: string[]): Promise<Set<string>> {
    const have = new Set(this.header.coverage.osvPackageEcosystems.map((e) => e.ecosystem.toLowerCase()));
    return new Set(ecosystems.filter((e) => have.has(e.toLowerCase())));
  }

  async sourceTimes(): Promise<SourceTimes[]> {
    return (this.header.sources ?? []).map((t) => ({ id: t.id, importedAt: new Date(t.importedAt), checkedAt: t.checkedAt ? new Date(t.checkedAt) : null }));
  }
}

function read(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let done = 0;
  while (done < len) {
    const n = readSync(fd, b, done, len - done, pos + done);
    if (n === 0) throw new IndexUnusable('corrupt', 'advisory index: unexpected end of file');
    done += n;
  }
  return b;
}
