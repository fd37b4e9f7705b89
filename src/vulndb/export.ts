/**
 * `db export` / `db update --from`: the whole advisory store as one gzip-compressed file of JSON
 * lines, to carry to machines without network access.
 *
 *   line 1      {"format":"portcullis-advisory-db","version":1,"exportedAt":…,"sources":[…]}
 *   then        {"s":SOURCE,"osv":OsvRecord} | {"s":SOURCE,"os":OsAdvisory}
 *   last line   {"end":true,"lines":N,"sha256":HEX}   (hash of every byte before this line)
 *
 * A reader accepts the file only when the trailer's count and hash match, so a truncated or
 * altered file is refused before anything in the store is replaced.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { PortcullisError, type FixState } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { OsvRecord } from './osv.js';
import type { OsAdvisory } from './types.js';

export const EXPORT_FORMAT = 'portcullis-advisory-db';
export const EXPORT_VERSION = 1;

export interface SourceMeta {
  id: string;
  kind: string;
  location: string;
  importedAt: string;
  records: number;
  malformed: number;
}

export interface ExportedSource {
  meta: SourceMeta;
  osv: OsvRecord[];
  os: OsAdvisory[];
}

export interface ExportContents {
  exportedAt: string;
  sources: ExportedSource[];
}

export interface ExportSummary {
  path: string;
  sources: number;
  osv: number;
  os: number;
  sha256: string;
}

const PAGE = 5000;

function isSpecial(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/** Writes every source of the store to `path` (atomically: a temporary file renamed at the end). */
export async function exportStore(store: Store, path: string, opts: { now?: Date; onProgress?: (rows: number) => void } = {}): Promise<ExportSummary> {
  const sources = await store.db.selectFrom('advisory_sources').selectAll().orderBy('id').execute();
  // A device or pipe (`/dev/stdout`, a FIFO) is written in place: renaming over it would replace it.
  const inPlace = isSpecial(path);
  const tmp = inPlace ? path : `${path}.tmp-${process.pid}`;
  const gz = createGzip({ level: 6 });
  const out = createWriteStream(tmp);
  gz.pipe(out);
  const hash = createHash('sha256');
  let lines = 0;
  let osvCount = 0;
  let osCount = 0;
  const write = async (obj: unknown) => {
    const line = JSON.stringify(obj) + '\n';
    hash.update(line);
    lines++;
    if (!gz.write(line)) await once(gz, 'drain');
  };
  try {
    await write({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: (opts.now ?? new Date()).toISOString(),
      sources: sources.map((s) => ({ id: s.id, kind: s.kind, location: s.location, importedAt: new Date(s.imported_at).toISOString(), records: s.records, malformed: s.malformed })),
    });
    for (const s of sources) {
      let after = '';
      for (;;) {
        const rows = await store.db.selectFrom('osv_advisories').select(['id', 'record']).where('source', '=', s.id).where('id', '>', after).orderBy('id').limit(PAGE).execute();
        for (const r of rows) await write({ s: s.id, osv: typeof r.record === 'string' ? JSON.parse(r.record) : r.record });
        osvCount += rows.length;
        opts.onProgress?.(osvCount + osCount);
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
      let seq = 0;
      for (;;) {
        const rows = await store.db.selectFrom('os_advisories').selectAll().where('source', '=', s.id).where('seq', '>', seq).orderBy('seq').limit(PAGE).execute();
        for (const r of rows) {
          const a: OsAdvisory = { id: r.id, distro: r.distro, release: r.release, package: r.package, state: r.state as FixState, source: r.source };
          if (r.fixed_version) a.fixedVersion = r.fixed_version;
          if (r.severity) a.severity = r.severity;
          if (r.description) a.description = r.description;
          await write({ s: s.id, os: a });
        }
        osCount += rows.length;
        opts.onProgress?.(osvCount + osCount);
        if (rows.length < PAGE) break;
        seq = Number(rows[rows.length - 1]!.seq);
      }
    }
    const sha256 = hash.digest('hex');
    gz.end(JSON.stringify({ end: true, lines, sha256 }) + '\n');
    await once(out, 'close');
    if (!inPlace) renameSync(tmp, path);
    return { path, sources: sources.length, osv: osvCount, os: osCount, sha256 };
  } catch (err) {
    gz.destroy();
    out.destroy();
    if (!inPlace) rmSync(tmp, { force: true });
    if (err instanceof PortcullisError) throw err;
    throw new PortcullisError({ code: 'OUTPUT_FAILED', message: `Cannot write the export "${path}": ${(err as Error).message}`, hint: 'Check the directory exists and is writable, and that the disk has room.', cause: err });
  }
}

/** True when the first bytes are a gzip member (an export, or a compressed single source). */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function invalid(path: string, why: string): PortcullisError {
  return new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${path}" is not a usable advisory export: ${why}`, hint: 'Export it again with `portcullis db export FILE` and copy it whole; nothing was imported.' });
}

/**
 * Reads and checks an export. Returns undefined when the (gzip) file is not an export at all, so
 * the caller can treat it as a compressed single source.
 */
export async function readExport(path: string): Promise<ExportContents | undefined> {
  const gunzip = createGunzip();
  const input = createReadStream(path);
  input.on('error', (err) => gunzip.destroy(err));
  const rl = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const hash = createHash('sha256');
  let header: { exportedAt: string; sources: SourceMeta[] } | undefined;
  const bySource = new Map<string, ExportedSource>();
  let lines = 0;
  let trailer: { lines: number; sha256: string } | undefined;
  try {
    for await (const line of rl) {
      if (trailer) throw invalid(path, 'data after the end marker');
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        if (lines === 0) return undefined;
        throw invalid(path, `line ${lines + 1} is not JSON`);
      }
      if (lines === 0) {
        if (obj.format !== EXPORT_FORMAT) return undefined;
        if (obj.version !== EXPORT_VERSION) throw invalid(path, `format version ${String(obj.version)} is not supported (this Portcullis reads version ${EXPORT_VERSION})`);
        if (!Array.isArray(obj.sources)) throw invalid(path, 'the header lists no sources');
        header = { exportedAt: String(obj.exportedAt), sources: obj.sources as SourceMeta[] };
        for (const s of header.sources) bySource.set(s.id, { meta: s, osv: [], os: [] });
      } else if (obj.end === true) {
        trailer = { lines: Number(obj.lines), sha256: String(obj.sha256) };
        continue;
      } else {
        const src = bySource.get(String(obj.s));
        if (!src) throw invalid(path, `line ${lines + 1} names an unknown source "${String(obj.s)}"`);
        if (obj.osv && typeof obj.osv === 'object') src.osv.push(obj.osv as OsvRecord);
        else if (obj.os && typeof obj.os === 'object') src.os.push(obj.os as OsAdvisory);
        else throw invalid(path, `line ${lines + 1} holds neither an OSV record nor an OS advisory`);
      }
      hash.update(line + '\n');
      lines++;
    }
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw invalid(path, `it cannot be decompressed (${(err as Error).message}); it is probably truncated`);
  } finally {
    rl.close();
    input.destroy();
  }
  if (!header) return undefined;
  if (!trailer) throw invalid(path, 'the end marker is missing (the file is truncated)');
  if (trailer.lines !== lines || trailer.sha256 !== hash.digest('hex')) throw invalid(path, 'its content does not match its checksum (altered or damaged)');
  return { exportedAt: header.exportedAt, sources: [...bySource.values()] };
}
