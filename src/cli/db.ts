/** `portcullis db import|status|export|update`: the advisory store. */
import { join } from 'node:path';
import { Command } from 'commander';
import { PortcullisError } from '../core/errors.js';
import { defaultCacheDir } from '../scan/cache.js';
import { exportStore } from '../vulndb/export.js';
import { importInput, type ImportInputOptions, type ImportReport } from '../vulndb/import.js';
import { isUrl, redactUrl } from '../vulndb/download.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, openStoreFrom, type StoreFlags } from './store-options.js';

interface SourceFlags extends StoreFlags {
  quiet?: boolean;
  offline?: boolean;
  sha256?: string;
  cacheDir?: string;
}

function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('--offline', 'forbid every network access (URL sources are refused)')
    .option('--sha256 <hex>', 'expected SHA-256 of the input (checked before anything is replaced)')
    .option('--cache-dir <dir>', 'where URL downloads are kept while in progress (default: $XDG_CACHE_HOME/portcullis)')
    .option('-q, --quiet', 'no progress or warnings');
}

function importOptions(flags: SourceFlags): ImportInputOptions {
  const tty = !flags.quiet && !!process.stderr.isTTY;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  return {
    downloadDir: join(flags.cacheDir ?? defaultCacheDir(), 'downloads'),
    ...(flags.offline ? { offline: true } : {}),
    ...(flags.sha256 ? { sha256: flags.sha256 } : {}),
    ...(tty
      ? {
          onProgress: (e) => process.stderr.write(`\r\x1b[K${e.source}: ${e.done}/${e.total ?? '?'} records`),
          onDownload: (e) => process.stderr.write(`\r\x1b[Kdownloading ${redactUrl(e.url)}: ${mib(e.bytes)}${e.total ? `/${mib(e.total)}` : ''} MiB${e.resumedFrom ? ` (resumed at ${mib(e.resumedFrom)} MiB)` : ''}`),
        }
      : {}),
  };
}

function printReports(reports: ImportReport[], flags: SourceFlags): void {
  if (!flags.quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  for (const r of reports) {
    if (!flags.quiet) for (const w of r.warnings) process.stderr.write(`warning: skipped malformed record: ${w}\n`);
    process.stdout.write(`${r.source}: ${r.records} records imported${r.malformed ? `, ${r.malformed} malformed skipped` : ''}\n`);
  }
}

async function withStore<T>(flags: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreFrom(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function dbCommand(): Command {
  const db = new Command('db').description('Advisory database: import sources, show status, export for air-gapped machines, update');

  const imp = new Command('import')
    .description(
      'Import advisory data: OSV files/directories/all.zip (JSON or YAML), Debian security tracker JSON, Alpine secdb JSON, or an export written by `db export`; local paths or http(s) URLs (downloaded with progress, resumed after an interruption, checked before use). Gzip-compressed files are accepted. Each input replaces its previous import atomically.',
    )
    .argument('<inputs...>', 'files, directories or URLs');
  addSourceOptions(imp);
  addStoreOptions(imp);
  imp.action(async (inputs: string[], flags: SourceFlags) => {
    if (flags.sha256 && inputs.length > 1) throw new PortcullisError({ code: 'USAGE', message: '--sha256 applies to a single input', hint: 'Import the inputs one at a time, each with its own --sha256.' });
    if (flags.offline) {
      const url = inputs.find(isUrl);
      if (url) throw new PortcullisError({ code: 'OFFLINE', message: `Refusing to download ${redactUrl(url)}: --offline forbids network access`, hint: 'Pass a local file (e.g. one written by `portcullis db export` on a connected machine).' });
    }
    await withStore(flags, async (store) => {
      for (const input of inputs) printReports(await importInput(store, input, importOptions(flags)), flags);
    });
  });

  const status = new Command('status').description('Show imported sources, record counts and age').option('--format <format>', 'table or json', 'table');
  addStoreOptions(status);
  status.action(async (flags: StoreFlags & { format: string }) => {
    await withStore(flags, async (store) => {
      const rows = await store.db.selectFrom('advisory_sources').selectAll().orderBy('id').execute();
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify({ database: { kind: store.kind, location: store.location }, sources: rows }, null, 2) + '\n');
        return;
      }
      process.stdout.write(`database: ${store.kind} ${store.location}\n`);
      if (rows.length === 0) process.stdout.write('no advisory data imported yet: run `portcullis db import <file|dir|url>`\n');
      for (const r of rows) {
        const age = Math.round((Date.now() - new Date(r.imported_at).getTime()) / 3600_000);
        process.stdout.write(`${r.id.padEnd(40)} ${String(r.records).padStart(8)} records  ${r.malformed ? `${r.malformed} malformed  ` : ''}imported ${age} h ago from ${r.location}\n`);
      }
    });
  });

  const exp = new Command('export')
    .description('Write the whole advisory store to one compressed file (gzip, JSON lines with a checksum trailer), to carry to machines without network access; load it there with `db update --from FILE` or `db import FILE`')
    .argument('<file>', 'output file (e.g. portcullis-db.jsonl.gz)')
    .option('-q, --quiet', 'no progress');
  addStoreOptions(exp);
  exp.action(async (file: string, flags: StoreFlags & { quiet?: boolean }) => {
    const tty = !flags.quiet && !!process.stderr.isTTY;
    const s = await withStore(flags, (store) => exportStore(store, file, tty ? { onProgress: (n) => process.stderr.write(`\r\x1b[Kexported ${n} records`) } : {}));
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(`${s.path}: ${s.sources} sources, ${s.osv} OSV records, ${s.os} OS advisories (sha256 of content ${s.sha256})\n`);
  });

  const upd = new Command('update')
    .description(
      'Refresh the store. With --from FILE|URL: replace the whole store with an export written by `db export` (sources the export lacks are removed), in one transaction. Without it: re-import every source from the location it was imported from; sources that cannot be refreshed are reported and keep their data.',
    )
    .option('--from <file|url>', 'an export written by `portcullis db export`');
  addSourceOptions(upd);
  addStoreOptions(upd);
  upd.action(async (flags: SourceFlags & { from?: string }) => {
    await withStore(flags, async (store) => {
      if (flags.from) {
        printReports(await importInput(store, flags.from, { ...importOptions(flags), mirror: true }), flags);
        return;
      }
      if (flags.sha256) throw new PortcullisError({ code: 'USAGE', message: '--sha256 needs --from', hint: 'Pass the export with --from FILE|URL.' });
      const rows = await store.db.selectFrom('advisory_sources').select(['id', 'location']).orderBy('id').execute();
      if (rows.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'Nothing to update: no advisory source has been imported', hint: 'Import one first with `portcullis db import <file|dir|url>`, or pass --from EXPORT.' });
      const failed: string[] = [];
      const done = new Set<string>();
      for (const r of rows) {
        if (done.has(r.location)) continue;
        done.add(r.location);
        try {
          printReports(await importInput(store, r.location, importOptions(flags)), flags);
        } catch (err) {
          if (!(err instanceof PortcullisError)) throw err;
          failed.push(r.id);
          process.stderr.write(`warning: ${r.id} not refreshed (kept as it was): [${err.code}] ${err.message}\n`);
        }
      }
      if (failed.length > 0) throw new PortcullisError({ code: 'ADVISORY_SOURCE_INVALID', message: `${failed.length} of ${rows.length} sources could not be refreshed: ${failed.join(', ')}`, hint: 'Their previous data is still in place. Fix their locations, or load an export with `db update --from FILE`.' });
    });
  });

  for (const c of [imp, status, exp, upd]) db.addCommand(c.exitOverride());
  return db;
}
