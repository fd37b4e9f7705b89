/** `--data-dir` / `--database-url` for every command that uses the store. */
import { Option, type Command } from 'commander';
import { openStore, type Store } from '../store/store.js';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'embedded database directory (default: $XDG_DATA_HOME/portcullis/db)').env('PORTCULLIS_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL instead of the embedded database').env('PORTCULLIS_DATABASE_URL'));
}

export function openStoreFrom(flags: StoreFlags): Promise<Store> {
  return openStore({ ...(flags.dataDir ? { dataDir: flags.dataDir } : {}), ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}) });
}
