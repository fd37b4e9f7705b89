/**
 * Advisory import into the store: OSV records (JSON/YAML files, directories, OSV `all.zip`
 * dumps), Debian security tracker JSON and Alpine secdb JSON. Each input is one source, replaced
 * atomically in one transaction: an interrupted import leaves the previous data intact.
 * Malformed records are counted and skipped, never fatal. A URL source re-imported under its
 * source id is fetched conditionally: an unchanged feed is not downloaded nor imported again.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import { PortcullisError, ecosystemKey, redactUrl, stripUrlCredentials } from '../core/index.js';
import type { Database, Store } from '../store/index.js';
import { downloadSource, isUrl, type Validators } from './download.js';
import { isGzip, readExport, type ExportContents } from './export.js';
import { osvZipBatches } from './import-zip.js';
import { normalisePackageName, type OsvRecord } from './osv.js';
import { parseInput, parseOsvText, type ParsedInput } from './parse-input.js';
import type { ParseStats } from './sources/debian-tracker.js';
import type { OsAdvisory } from './types.js';

export interface ImportReport {
  source: string;
  kind: 'osv' | 'debian-tracker' | 'alpine-secdb';
  records: number;
  malformed: number;
  warnings: string[];
  /** The feed answered `304 Not Modified`: the stored data was kept as it is. */
  notModified?: boolean;
}

export { parseInput, type ParsedInput } from './parse-input.js';

export interface ImportOptions {
  onProgress?: (e: { source: string; done: number; total?: number }) => void;
}

const BATCH = 5000;
/** The source id of an input, from its kind and its name (the file name, or a URL's last segment). */
function sourceId(kind: ParsedInput['kind'], name: string, parsed: ParsedInput): string {
  if (kind === 'alpine-secdb') {
    const a = (parsed as { advisories: OsAdvisory[] }).advisories[0];
    return `alpine-secdb:${a?.release ?? name}:${name}`;
  }
  if (kind === 'debian-tracker') return 'debian-tracker';
  return `osv:${name}`;
}

/**
 * The name a source id is derived from: the file name, or a URL's last path segment; an OSV
 * `<Ecosystem>/all.zip` export is named by its ecosystem directory (`osv:npm`), so two exports
 * never replace each other.
 */
function nameOf(input: string): string {
  let segs: string[];
  try {
    segs = isUrl(input) ? new URL(input).pathname.split('/').filter(Boolean).map((x) => decodeURIComponent(x)) : resolve(input).split(/[\\/]/).filter(Boolean);
  } catch {
    segs = [basename(input)];
  }
  const last = segs.at(-1) ?? 'download';
  return /^all\.zip$/i.test(last) && segs.length > 1 ? segs.at(-2)! : last;
}

/**
 * Rows go in as one JSON parameter per batch, expanded server-side by jsonb_to_recordset: far
 * fewer bind parameters than a multi-row VALUES list, on PGlite and PostgreSQL alike.
 */
async function insertOsv(trx: Transaction<Database>, source: string, records: OsvRecord[], onDone: (n: number) => void): Promise<void> {
  for (let i = 0; i < records.length; i += BATCH) {
    const rows = new Map<string, OsvRecord>();
    for (const r of records.slice(i, i + BATCH)) rows.set(r.id, r);
    const adv = [...rows.values()].map((r) => ({ id: r.id, source, modified: r.modified ?? null, withdrawn: !!r.withdrawn, aliases: r.aliases ?? [], summary: r.summary ?? null, record: r }));
    await sql`insert into osv_advisories (id, source, modified, withdrawn, aliases, summary, record)
      select x.id, x.source, x.modified, x.withdrawn, array(select jsonb_array_elements_text(x.aliases)), x.summary, x.record
      from jsonb_to_recordset(${JSON.stringify(adv)}::jsonb) as x(id text, source text, modified text, withdrawn boolean, aliases jsonb, summary text, record jsonb)
      on conflict (id) do update set source = excluded.source, modified = excluded.modified, withdrawn = excluded.withdrawn, aliases = excluded.aliases, summary = excluded.summary, record = excluded.record`.execute(trx);
    const pkgs: { advisory_id: string; ecosystem: string; name: string }[] = [];
    for (const r of rows.values()) {
      const seen = new Set<string>();
      for (const a of r.affected ?? []) {
        if (!a.package?.ecosystem || !a.package.name) continue;
        const eco = ecosystemKey(a.package.ecosystem);
        const name = normalisePackageName(a.package.ecosystem, a.package.name);
        const k = `${eco}|${name}`;
        if (seen.has(k)) continue;
        seen.add(k);
        pkgs.push({ advisory_id: r.id, ecosystem: eco, name });
      }
    }
    await sql`delete from osv_packages where advisory_id in (select jsonb_array_elements_text(${JSON.stringify([...rows.keys()])}::jsonb))`.execute(trx);
    if (pkgs.length > 0) {
      await sql`insert into osv_packages (advisory_id, ecosystem, name) select x.advisory_id, x.ecosystem, x.name from jsonb_to_recordset(${JSON.stringify(pkgs)}::jsonb) as x(advisory_id text, ecosystem text, name text)`.execute(trx);
    }
    onDone(Math.min(i + BATCH, records.length));
  }
}

async function insertOs(trx: Transaction<Database>, source: string, advisories: OsAdvisory[], onDone: (n: number) => void): Promise<void> {
  for (let i = 0; i < advisories.length; i += BATCH) {
    const chunk = advisories.slice(i, i + BATCH).map((a) => ({ source, distro: a.distro, release: a.release, package: a.package, id: a.id, state: a.state, fixed_version: a.fixedVersion ?? null, severity: a.severity ?? null, description: a.description ?? null }));
    await sql`insert into os_advisories (source, distro, release, package, id, state, fixed_version, severity, description)
      select x.source, x.distro, x.release, x.package, x.id, x.state, x.fixed_version, x.severity, x.description
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(source text, distro text, release text, package text, id text, state text, fixed_version text, severity text, description text)`.execute(trx);
    onDone(Math.min(i + BATCH, advisories.length));
  }
}

export interface ImportAdvisoriesOptions extends ImportOptions {
  /** Where the data came from, as recorded (default: the path). */
  location?: string;
  /** Source id to record instead of the one derived from the input. */
  sourceId?: string;
  /** The kind of data the input must hold (a default feed): anything else is refused. */
  expectKind?: ImportReport['kind'];
  /** Name to derive the source id from (default: the file name). */
  name?: string;
  /** HTTP validators of the downloaded entity, kept for the next conditional request. */
  validators?: Validators;
}

/** Imports one input, replacing the previous data of the same source in one transaction. */
export async function importAdvisories(store: Store, path: string, opts: ImportAdvisoriesOptions = {}): Promise<ImportReport> {
  const head = readHead(path);
  if (head && head.length === 4 && (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50)) return importOsvZip(store, path, opts);
  const parsed = parseInput(path);
  const location = opts.location ?? path;
  checkKind(parsed.kind, location, opts);
  const source = opts.sourceId ?? sourceId(parsed.kind, opts.name ?? nameOf(path), parsed);
  const total = parsed.kind === 'osv' ? parsed.records.length : parsed.advisories.length;
  const progress = (done: number) => opts.onProgress?.({ source, done, total });
  await replaceSource(store.db, source, async (trx) => {
    if (parsed.kind === 'osv') await insertOsv(trx, source, parsed.records, progress);
    else await insertOs(trx, source, parsed.advisories, progress);
    await recordSource(trx, source, { kind: parsed.kind, location, stats: parsed.stats, ...(opts.validators ? { validators: opts.validators } : {}) });
  });
  return { source, kind: parsed.kind, records: parsed.stats.records, malformed: parsed.stats.malformed, warnings: parsed.warnings };
}

function checkKind(kind: ImportReport['kind'], location: string, opts: ImportAdvisoriesOptions): void {
  if (opts.expectKind && kind !== opts.expectKind) {
    throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `${location} holds ${kind} data, expected ${opts.expectKind}`, hint: 'Check the mirror layout (see `portcullis db update --help`): each path must hold its feed.' });
  }
}

/** An OSV zip export, streamed in batches into one transaction (see import-zip.ts). */
async function importOsvZip(store: Store, path: string, opts: ImportAdvisoriesOptions): Promise<ImportReport> {
  const location = opts.location ?? path;
  checkKind('osv', location, opts);
  const source = opts.sourceId ?? `osv:${opts.name ?? nameOf(path)}`;
  const stats: ParseStats = { records: 0, malformed: 0 };
  const warnings: string[] = [];
  const sink = { parse: (text: string, where: string, out: OsvRecord[]) => parseOsvText(text, where, out, stats, warnings), warn: (m: string) => void (warnings.length < 20 && warnings.push(m)) };
  await replaceSource(store.db, source, async (trx) => {
    let done = 0;
    for await (const batch of osvZipBatches(path, sink, BATCH)) {
      await insertOsv(trx, source, batch, () => undefined);
      done += batch.length;
      opts.onProgress?.({ source, done });
    }
    await recordSource(trx, source, { kind: 'osv', location, stats, ...(opts.validators ? { validators: opts.validators } : {}) });
  });
  return { source, kind: 'osv', records: stats.records, malformed: stats.malformed, warnings };
}

async function recordSource(trx: Transaction<Database>, source: string, r: { kind: ImportReport['kind']; location: string; stats: ParseStats; validators?: Validators }): Promise<void> {
  const now = new Date();
  const row = { kind: r.kind, location: r.location, imported_at: now, records: r.stats.records, malformed: r.stats.malformed, etag: r.validators?.etag ?? null, last_modified: r.validators?.lastModified ?? null, checked_at: now };
  await trx.insertInto('advisory_sources').values({ id: source, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
}

export interface ImportInputOptions extends ImportOptions {
  /** Where URL sources are downloaded (partial downloads resume from here). */
  downloadDir: string;
  offline?: boolean;
  /** Expected SHA-256 of a downloaded file. */
  sha256?: string;
  onDownload?: (e: { url: string; bytes: number; total?: number; resumedFrom: number }) => void;
  /** For exports: also delete every source the export does not hold (`db update --from`). */
  mirror?: boolean;
  /**
   * The source id this input is (re-)imported as. For a URL whose stored copy came from the same
   * URL, the download is conditional: `304 Not Modified` keeps the data and only records the check.
   */
  sourceId?: string;
  /** The kind of data the input must hold. */
  expectKind?: ImportReport['kind'];
}

/** Validators stored for a source last fetched from `url` (none when it came from elsewhere). */
async function storedValidators(store: Store, id: string, url: string): Promise<Validators | undefined> {
  const row = await store.db.selectFrom('advisory_sources').select(['location', 'etag', 'last_modified']).where('id', '=', id).executeTakeFirst();
  if (!row || row.location !== stripUrlCredentials(url)) return undefined;
  const v: Validators = { ...(row.etag ? { etag: row.etag } : {}), ...(row.last_modified ? { lastModified: row.last_modified } : {}) };
  return v.etag || v.lastModified ? v : undefined;
}

/** Records that a source was confirmed current without importing it again. */
async function markChecked(store: Store, id: string): Promise<ImportReport> {
  await store.db.updateTable('advisory_sources').set({ checked_at: new Date() }).where('id', '=', id).execute();
  const row = await store.db.selectFrom('advisory_sources').select(['kind', 'records', 'malformed']).where('id', '=', id).executeTakeFirstOrThrow();
  return { source: id, kind: row.kind as ImportReport['kind'], records: row.records, malformed: row.malformed, warnings: [], notModified: true };
}

/**
 * Imports one input: a local file or directory, an export written by `db export`, or an
 * http(s) URL of either (downloaded and checked first). Returns one report per source replaced.
 */
export async function importInput(store: Store, input: string, opts: ImportInputOptions): Promise<ImportReport[]> {
  let path = input;
  let downloaded: string | undefined;
  let validators: Validators | undefined;
  if (isUrl(input)) {
    const ifChanged = opts.sourceId && !opts.mirror && !opts.offline ? await storedValidators(store, opts.sourceId, input) : undefined;
    const d = await downloadSource(input, { dir: opts.downloadDir, ...(opts.offline ? { offline: true } : {}), ...(opts.sha256 ? { sha256: opts.sha256 } : {}), ...(opts.onDownload ? { onProgress: opts.onDownload } : {}), ...(ifChanged ? { ifChanged } : {}) });
    if ('notModified' in d) return [await markChecked(store, opts.sourceId!)];
    path = downloaded = d.path;
    validators = d.validators;
  } else if (opts.sha256) {
    const got = fileSha256(input);
    if (got !== opts.sha256.toLowerCase().replace(/^sha256:/, '')) throw new PortcullisError({ code: 'DIGEST_MISMATCH', message: `"${input}" has SHA-256 ${got}, expected ${opts.sha256}`, hint: 'The file is not the one you meant, or it was altered; nothing was imported.' });
  }
  try {
    const head = readHead(path);
    if (head && isGzip(head)) {
      const contents = await readExport(path);
      if (contents) return await applyExport(store, contents, { mirror: !!opts.mirror, location: isUrl(input) ? redactUrl(input) : input });
    }
    if (opts.mirror) throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `"${isUrl(input) ? redactUrl(input) : input}" is not a file written by \`portcullis db export\``, hint: '`db update --from` takes an export; use `db import` for single sources.' });
    return [
      await importAdvisories(store, path, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        location: isUrl(input) ? stripUrlCredentials(input) : resolve(input),
        name: nameOf(input),
        ...(opts.sourceId ? { sourceId: opts.sourceId } : {}),
        ...(opts.expectKind ? { expectKind: opts.expectKind } : {}),
        ...(validators ? { validators } : {}),
      }),
    ];
  } finally {
    if (downloaded) rmSync(downloaded, { force: true });
  }
}

function readHead(path: string): Buffer | undefined {
  try {
    if (statSync(path).isDirectory()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.alloc(4);
      const n = readSync(fd, b, 0, 4, 0);
      return b.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Replaces every source held by an export in one transaction (and, mirroring, drops the others). */
export async function applyExport(store: Store, contents: ExportContents, opts: { mirror: boolean; location: string; onProgress?: ImportOptions['onProgress'] }): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  await store.db.transaction().execute(async (trx) => {
    if (opts.mirror) {
      const keep = contents.sources.map((s) => s.meta.id);
      const stale = (await trx.selectFrom('advisory_sources').select('id').execute()).map((r) => r.id).filter((id) => !keep.includes(id));
      for (const id of stale) {
        await trx.deleteFrom('os_advisories').where('source', '=', id).execute();
        await trx.deleteFrom('osv_advisories').where('source', '=', id).execute();
        await trx.deleteFrom('advisory_sources').where('id', '=', id).execute();
      }
    }
    for (const src of contents.sources) {
      const id = src.meta.id;
      await trx.deleteFrom('os_advisories').where('source', '=', id).execute();
      await trx.deleteFrom('osv_advisories').where('source', '=', id).execute();
      const progress = (done: number) => opts.onProgress?.({ source: id, done, total: src.osv.length + src.os.length });
      await insertOsv(trx, id, src.osv, progress);
      await insertOs(trx, id, src.os, (n) => progress(src.osv.length + n));
      const row = { kind: src.meta.kind, location: src.meta.location, imported_at: new Date(src.meta.importedAt), records: src.meta.records, malformed: src.meta.malformed };
      await trx.insertInto('advisory_sources').values({ id, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
      reports.push({ source: id, kind: src.meta.kind as ImportReport['kind'], records: src.osv.length + src.os.length, malformed: src.meta.malformed, warnings: [] });
    }
  });
  return reports;
}

async function replaceSource(db: Kysely<Database>, source: string, fill: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('os_advisories').where('source', '=', source).execute();
    await trx.deleteFrom('osv_advisories').where('source', '=', source).execute();
    await fill(trx);
  });
}

/** Content hash of an input file, for export metadata. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
