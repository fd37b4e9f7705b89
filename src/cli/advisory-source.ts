/** The advisory data of `--data-dir` / `--database-url` for commands that match vulnerabilities. */
import { openAdvisorySource, type AdvisorySource } from '../vulndb/index.js';
import type { StoreFlags } from './store-options.js';

export function advisorySourceFrom(flags: StoreFlags & { quiet?: boolean }): Promise<AdvisorySource> {
  return openAdvisorySource({
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
    onNote: (note) => {
      if (!flags.quiet) process.stderr.write(`note: ${note}\n`);
    },
  });
}
