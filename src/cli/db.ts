/** `portcullis db import|status`: the advisory store. */
import { Command } from 'commander';
import { importAdvisories } from '../vulndb/import.js';
import { addStoreOptions, openStoreFrom, type StoreFlags } from './store-options.js';

export function dbCommand(): Command {
  const db = new Command('db').description('Advisory database: import sources, show status');
  const imp = new Command('import')
    .description('Import advisory data: OSV files/directories/all.zip, Debian security tracker JSON, Alpine secdb JSON. Each input replaces its previous import atomically.')
    .argument('<paths...>', 'files or directories')
    .option('-q, --quiet', 'no progress or warnings');
  addStoreOptions(imp);
  imp.action(async (paths: string[], flags: StoreFlags & { quiet?: boolean }) => {
    const store = await openStoreFrom(flags);
    try {
      for (const p of paths) {
        const tty = !flags.quiet && process.stderr.isTTY;
        const r = await importAdvisories(store, p, tty ? { onProgress: (e) => process.stderr.write(`\r${e.source}: ${e.done}/${e.total ?? '?'}`) } : {});
        if (tty) process.stderr.write('\n');
        if (!flags.quiet) for (const w of r.warnings) process.stderr.write(`warning: skipped malformed record: ${w}\n`);
        process.stdout.write(`${r.source}: ${r.records} records imported${r.malformed ? `, ${r.malformed} malformed skipped` : ''}\n`);
      }
    } finally {
      await store.close();
    }
  });
  const status = new Command('status').description('Show imported sources, record counts and age').option('--format <format>', 'table or json', 'table');
  addStoreOptions(status);
  status.action(async (flags: StoreFlags & { format: string }) => {
    const store = await openStoreFrom(flags);
    try {
      const rows = await store.db.selectFrom('advisory_sources').selectAll().orderBy('id').execute();
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify({ database: { kind: store.kind, location: store.location }, sources: rows }, null, 2) + '\n');
        return;
      }
      process.stdout.write(`database: ${store.kind} ${store.location}\n`);
      if (rows.length === 0) process.stdout.write('no advisory data imported yet: run `portcullis db import <file|dir>`\n');
      for (const r of rows) {
        const age = Math.round((Date.now() - new Date(r.imported_at).getTime()) / 3600_000);
        process.stdout.write(`${r.id.padEnd(40)} ${String(r.records).padStart(8)} records  ${r.malformed ? `${r.malformed} malformed  ` : ''}imported ${age} h ago from ${r.location}\n`);
      }
    } finally {
      await store.close();
    }
  });
  db.addCommand(imp.exitOverride());
  db.addCommand(status.exitOverride());
  return db;
}
