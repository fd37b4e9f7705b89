/**
 * Reading one advisory input (a file, a directory of OSV records, an OSV `all.zip`, gzip or not)
 * and telling its kind from its content: OSV records, a Debian security tracker JSON or an Alpine
 * secdb JSON. Malformed records are counted and skipped; an unreadable input is an error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { PortcullisError } from '../core/index.js';
import { isGzip } from './export.js';
import { parseOsv, type OsvRecord } from './osv.js';
import { parseAlpineSecdb } from './sources/alpine-secdb.js';
import { parseDebianTracker, type ParseStats } from './sources/debian-tracker.js';
import type { OsAdvisory } from './types.js';

const MAX_FILE = 1024 * 1024 * 1024;

export type ParsedInput =
  | { kind: 'osv'; records: OsvRecord[]; stats: ParseStats; warnings: string[] }
  | { kind: 'debian-tracker' | 'alpine-secdb'; advisories: OsAdvisory[]; stats: ParseStats; warnings: string[] };

function readBounded(path: string): Buffer {
  const st = statSync(path);
  if (st.size > MAX_FILE) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `"${path}" is larger than 1 GiB`, hint: 'Split the advisory data into smaller files.' });
  return readFileSync(path);
}

/** Parses one OSV record into `out`, or counts it malformed (with a warning, up to 20). */
export function parseOsvText(text: string, where: string, out: OsvRecord[], stats: ParseStats, warnings: string[]): void {
  try {
    out.push(parseOsv(text));
    stats.records++;
  } catch (err) {
    stats.malformed++;
    if (warnings.length < 20) warnings.push(`${where}: ${(err as Error).message}`);
  }
}

/** Reads one input (file, directory or zip) into normalised data, detecting its kind. */
export function parseInput(path: string): ParsedInput {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Advisory source "${path}" does not exist`, hint: 'Pass an OSV file, directory or all.zip, a Debian tracker JSON or an Alpine secdb JSON.' });
  }
  const stats: ParseStats = { records: 0, malformed: 0 };
  const warnings: string[] = [];
  if (st.isDirectory()) {
    const records: OsvRecord[] = [];
    const stack = [path];
    while (stack.length) {
      const dir = stack.pop()!;
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        const s = statSync(p);
        if (s.isDirectory()) stack.push(p);
        else if (/\.(json|ya?ml)$/.test(name)) parseOsvText(readBounded(p).toString('utf8'), p, records, stats, warnings);
      }
    }
    return { kind: 'osv', records, stats, warnings };
  }
  let buf = readBounded(path);
  if (isGzip(buf)) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_FILE });
    } catch (err) {
      throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${path}" is gzip-compressed but cannot be decompressed (or is over 1 GiB uncompressed): ${(err as Error).message}`, hint: 'Download the file again.' });
    }
  }
  // A zip starts with a local file header, or (no entries at all) with the end-of-directory record.
  if (buf.length >= 4 && (buf.readUInt32LE(0) === 0x04034b50 || buf.readUInt32LE(0) === 0x06054b50)) {
    const records: OsvRecord[] = [];
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(buf, { filter: (f) => /\.(json|ya?ml)$/.test(f.name) && f.originalSize < 64 * 1024 * 1024 });
    } catch (err) {
      throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${path}" is not a readable zip: ${(err as Error).message}`, hint: 'Download the OSV dump again.' });
    }
    for (const name of Object.keys(files).sort()) parseOsvText(Buffer.from(files[name]!).toString('utf8'), `${basename(path)}!${name}`, records, stats, warnings);
    return { kind: 'osv', records, stats, warnings };
  }
  const text = buf.toString('utf8');
  if (/\.ya?ml(\.gz)?$/.test(path)) {
    const records: OsvRecord[] = [];
    parseOsvText(text, path, records, stats, warnings);
    return { kind: 'osv', records, stats, warnings };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${path}" is not valid JSON: ${(err as Error).message}`, hint: 'Check the file; for YAML OSV records use a .yaml name.' });
  }
  if (Array.isArray(doc)) {
    const records: OsvRecord[] = [];
    doc.forEach((d, i) => parseOsvText(JSON.stringify(d), `${path}[${i}]`, records, stats, warnings));
    return { kind: 'osv', records, stats, warnings };
  }
  const o = doc as Record<string, unknown>;
  if (o && typeof o === 'object' && typeof o.distroversion === 'string' && Array.isArray(o.packages)) {
    return { kind: 'alpine-secdb', advisories: parseAlpineSecdb(doc, stats), stats, warnings };
  }
  if (o && typeof o === 'object' && typeof o.id === 'string') {
    const records: OsvRecord[] = [];
    parseOsvText(text, path, records, stats, warnings);
    return { kind: 'osv', records, stats, warnings };
  }
  if (o && typeof o === 'object' && Object.values(o).some((v) => v && typeof v === 'object' && Object.keys(v).some((k) => /^(CVE|TEMP|DSA|DLA)-/.test(k)))) {
    return { kind: 'debian-tracker', advisories: parseDebianTracker(doc, stats), stats, warnings };
  }
  throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `Cannot tell what kind of advisory data "${path}" holds`, hint: 'Supported: OSV records (JSON/YAML, directories, all.zip), Debian security tracker JSON, Alpine secdb JSON.' });
}
