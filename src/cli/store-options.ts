/** `--data-dir` / `--database-url` for every command that uses the store. */
import { Option, type Command } from 'commander';
import type { Store } from '../store/index.js';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'embedded database directory (default: $XDG_DATA_HOME/portcullis/db)').env('PORTCULLIS_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL instead of the embedded database').env('PORTCULLIS_DATABASE_URL'));
}

/** The command line's verbs (e.g. `db import`), as the embedded store's lock names its owner. */
export function commandName(argv: readonly string[] = process.argv): string {
  const words: string[] = [];
  for (const a of argv.slice(2)) {
    if (a.startsWith('-') || !/^[a-z][a-z-]*$/.test(a)) break;
    words.push(a);
    if (words.length === 3) break;
  }
  return words.join(' ') || 'process';
}

/** The database code loads on first use: commands that end up not needing it (a scan reading the advisory index) never pay for it. */
export async function openStoreFrom(flags: StoreFlags, command: string = commandName()): Promise<Store> {
  const { openStore } = await import('../store/index.js');
  return openStore({ ...(flags.dataDir ? { dataDir: flags.dataDir } : {}), ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}), command });
}
