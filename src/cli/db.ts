/** `portcullis db import|status|export|update`: the advisory store. */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { PortcullisError, redactUrl } from '../core/index.js';
import { defaultCacheDir } from '../scan/index.js';
import {
  exportStore,
  importInput,
  type ImportInputOptions,
  type ImportReport,
  isUrl,
  formatAge,
  lastConfirmed,
  checkMirror,
  planUpdate,
  runUpdate,
  ensureCurrentIndex,
  withIndexRefresh,
} from '../vulndb/index.js';
import { createFeedProgress, type FeedProgress } from './db-progress.js';
import type { Store } from '../store/index.js';
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

function importOptions(flags: SourceFlags, progress: FeedProgress): ImportInputOptions {
  return {
    downloadDir: join(flags.cacheDir ?? defaultCacheDir(), 'downloads'),
    ...(flags.offline ? { offline: true } : {}),
    ...(flags.sha256 ? { sha256: flags.sha256 } : {}),
    ...(progress.active ? { onProgress: (e) => progress.onImport(e), onDownload: (e) => progress.onDownload(e) } : {}),
  };
}

function printReports(reports: ImportReport[], flags: SourceFlags, progress: FeedProgress): void {
  progress.end();
  for (const r of reports) {
    if (!flags.quiet) for (const w of r.warnings) process.stderr.write(`warning: skipped malformed record: ${w}\n`);
    if (r.notModified) process.stdout.write(`${r.source}: not modified since the last update, ${r.records} records kept\n`);
    else process.stdout.write(`${r.source}: ${r.records} records imported${r.malformed ? `, ${r.malformed} malformed skipped` : ''}\n`);
  }
}

/** Runs a command that changes advisories; the advisory index scans read is rewritten after it. */
function withStoreChanging<T>(flags: StoreFlags & { quiet?: boolean }, fn: (store: Store) => Promise<T>): Promise<T> {
  return withStore(flags, (store) => withIndexRefresh(store, () => fn(store), { onWarning: (m) => void (flags.quiet || process.stderr.write(`warning: ${m}\n`)) }));
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
    const progress = createFeedProgress({ quiet: !!flags.quiet });
    await withStoreChanging(flags, async (store) => {
      for (const input of inputs) {
        progress.start(isUrl(input) ? redactUrl(input) : input);
        try {
          printReports(await importInput(store, input, importOptions(flags, progress)), flags, progress);
        } finally {
          progress.end();
        }
      }
    });
  });

  const status = new Command('status').description('Show imported sources, record counts and age').option('--format <format>', 'table or json', 'table');
  addStoreOptions(status);
  status.action(async (flags: StoreFlags & { format: string }) => {
    await withStore(flags, async (store) => {
      const now = Date.now();
      const rows = (await store.db.selectFrom('advisory_sources').selectAll().orderBy('id').execute()).map((r) => {
        const importedAt = new Date(r.imported_at);
        const checkedAt = r.checked_at ? new Date(r.checked_at) : null;
        // Age: since the feed was last confirmed current (imported, or answered 304).
        const ageSeconds = Math.max(0, Math.floor((now - lastConfirmed({ id: r.id, importedAt, checkedAt }).getTime()) / 1000));
        return { ...r, imported_at: importedAt, checked_at: checkedAt, ageSeconds };
      });
      const index = await ensureCurrentIndex(store);
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify({ database: { kind: store.kind, location: store.location }, index, sources: rows }, null, 2) + '\n');
        return;
      }
      process.stdout.write(`database: ${store.kind} ${store.location}\n`);
      process.stdout.write(index.state === 'not-used' ? `advisory index: not used (${index.reason})\n` : `advisory index: ${index.path} (${index.state}${index.reason ? `: ${index.reason}` : ''})\n`);
      if (rows.length === 0) process.stdout.write('no advisory data imported yet: run `portcullis db update` (public feeds) or `portcullis db import <file|dir|url>`\n');
      for (const r of rows) {
        const imported = formatAge(now - r.imported_at.getTime());
        const checked = r.checked_at ? `, last checked ${formatAge(now - r.checked_at.getTime())} ago` : '';
        process.stdout.write(`${r.id.padEnd(32)} ${String(r.records).padStart(8)} records  ${r.malformed ? `${r.malformed} malformed  ` : ''}age ${formatAge(r.ageSeconds * 1000)} (imported ${imported} ago${checked}) from ${r.location}\n`);
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
      'Refresh the store. With no source imported yet, fetch the default public feeds (OSV per-ecosystem exports, the Debian security tracker, Alpine secdb; see `--default-sources`), from their public locations or from --mirror. Otherwise re-import every source from where it came (default feeds from the public location or the mirror), with conditional requests: an unchanged feed costs one round trip and is not imported again. A source that cannot be refreshed is reported and keeps its data. With --from FILE|URL: replace the whole store with an export written by `db export` (sources the export lacks are removed), in one transaction.',
    )
    .option('--from <file|url>', 'an export written by `portcullis db export`')
    .option('--default-sources', 'also fetch the default public feeds not imported yet (they are fetched anyway when the store is empty)')
    .addOption(new Option('--mirror <base-url>', 'fetch the default feeds from an internal mirror with the layout osv/<Ecosystem>/all.zip, debian/tracker.json, alpine/v<X.Y>/<main|community>.json').env('PORTCULLIS_DB_MIRROR'));
  addSourceOptions(upd);
  addStoreOptions(upd);
  upd.action(async (flags: SourceFlags & { from?: string; defaultSources?: boolean; mirror?: string }) => {
    const progress = createFeedProgress({ quiet: !!flags.quiet });
    if (flags.mirror) checkMirror(flags.mirror);
    await withStoreChanging(flags, async (store) => {
      if (flags.from) {
        progress.start(isUrl(flags.from) ? redactUrl(flags.from) : flags.from);
        printReports(await importInput(store, flags.from, { ...importOptions(flags, progress), mirror: true }), flags, progress);
        return;
      }
      if (flags.sha256) throw new PortcullisError({ code: 'USAGE', message: '--sha256 needs --from', hint: 'Pass the export with --from FILE|URL.' });
      const items = await planUpdate(store, { ...(flags.mirror ? { mirror: flags.mirror } : {}), ...(flags.defaultSources ? { defaultSources: true } : {}) });
      if (flags.offline && items.every((i) => isUrl(i.input)))
        throw new PortcullisError({ code: 'OFFLINE', message: 'Refusing to update: every source is fetched over the network and --offline forbids it', hint: 'Load an export written on a connected machine with `portcullis db update --from FILE`, or drop --offline.' });
      const outcome = await runUpdate(store, items, {
        ...importOptions(flags, progress),
        onItem: (item, i) => progress.start(`[${i + 1}/${items.length}] ${item.id}`),
        onResult: (r, item) => {
          if (Array.isArray(r)) printReports(r, flags, progress);
          else {
            progress.end();
            process.stderr.write(`warning: ${item.id} not refreshed (kept as it was): [${r.code}] ${r.message}\n`);
          }
        },
      });
      const { failed } = outcome;
      if (failed.length > 0) {
        const kept = await store.db.selectFrom('advisory_sources').select('id').where('id', 'in', failed.map((f) => f.id)).execute();
        throw new PortcullisError({
          code: 'DB_UPDATE_FAILED',
          message: `${failed.length} of ${items.length} sources could not be refreshed: ${failed.map((f) => `${f.id} [${f.error.code}]`).join(', ')}`,
          hint: `${kept.length > 0 ? 'Their previous data is still in place. ' : ''}Check the network or the mirror (${flags.mirror ? redactUrl(flags.mirror) : 'public locations'}) and run \`portcullis db update\` again, or load an export with \`db update --from FILE\`.`,
        });
      }
    });
  });

  for (const c of [imp, status, exp, upd]) db.addCommand(c.exitOverride());
  return db;
}
