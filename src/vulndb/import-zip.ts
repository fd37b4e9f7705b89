/**
 * OSV `all.zip` exports read as a stream: entries are inflated one at a time and handed on in
 * batches, so a whole ecosystem's export (hundreds of MiB compressed) never sits in memory at
 * once. The zip's end-of-central-directory record is read first and its entry count checked at
 * the end: a truncated or damaged file is refused (nothing replaced), never imported in part.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { PortcullisError } from '../core/index.js';
import type { OsvRecord } from './osv.js';

/** Largest single record file accepted inside an export. */
const ENTRY_MAX = 64 * 1024 * 1024;

/** Entry count of a zip from its end-of-central-directory record; undefined when there is none. */
export function zipEntryCount(path: string): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 65_557);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    for (let i = len - 22; i >= 0; i--) {
      if (buf.readUInt32LE(i) !== 0x06054b50) continue;
      const n = buf.readUInt16LE(i + 10);
      if (n !== 0xffff) return n;
      // Zip64: the locator sits just before; the record it points to holds a 64-bit count.
      if (i >= 20 && buf.readUInt32LE(i - 20) === 0x07064b50) {
        const at = Number(buf.readBigUInt64LE(i - 20 + 8));
        const rec = Buffer.alloc(56);
        readSync(fd, rec, 0, 56, at);
        if (rec.readUInt32LE(0) === 0x06064b50) return Number(rec.readBigUInt64LE(32));
      }
      return undefined;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export interface ZipParseSink {
  /** Parses one record file's text into `out`, counting it (or counting it malformed). */
  parse(text: string, where: string, out: OsvRecord[]): void;
  warn(message: string): void;
}

/** Yields the OSV records of a zip export in batches of about `batchSize`. */
export async function* osvZipBatches(path: string, sink: ZipParseSink, batchSize: number): AsyncGenerator<OsvRecord[]> {
  const expected = zipEntryCount(path);
  if (expected === undefined) throw invalid(path, 'its end-of-central-directory record is missing (truncated?)');
  const pending: OsvRecord[] = [];
  let failure: Error | undefined;
  let entries = 0;
  const unzip = new Unzip((file) => {
    entries++;
    if (!/\.(json|ya?ml)$/.test(file.name) || (file.originalSize ?? 0) > ENTRY_MAX) {
      if ((file.originalSize ?? 0) > ENTRY_MAX) sink.warn(`${basename(path)}!${file.name}: over ${ENTRY_MAX} bytes, skipped`);
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (err) {
        failure = err;
        return;
      }
      size += data.length;
      if (size <= ENTRY_MAX) chunks.push(data);
      if (!final) return;
      if (size > ENTRY_MAX) sink.warn(`${basename(path)}!${file.name}: over ${ENTRY_MAX} bytes, skipped`);
      else sink.parse(Buffer.concat(chunks).toString('utf8'), `${basename(path)}!${file.name}`, pending);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    try {
      unzip.push(chunk, false);
    } catch (err) {
      failure = err as Error;
    }
    if (failure) throw invalid(path, failure.message);
    while (pending.length >= batchSize) yield pending.splice(0, batchSize);
  }
  try {
    unzip.push(new Uint8Array(0), true);
  } catch (err) {
    failure = err as Error;
  }
  if (failure) throw invalid(path, failure.message);
  if (entries !== expected) throw invalid(path, `it lists ${expected} entries but ${entries} could be read (truncated or damaged)`);
  if (pending.length > 0) yield pending.splice(0);
}

function invalid(path: string, why: string): PortcullisError {
  return new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${path}" is not a readable zip: ${why}`, hint: 'Download the OSV export again; nothing was replaced.' });
}
