/**
 * Every module's migrations, applied in name order by the runner in store.ts. Each module owns the
 * DDL of its tables in its own `migrations.ts` (plain DDL, importing nothing of the module): the
 * advisory store (vulndb), the audit log (audit) and the Grafeas tables (metadata). A name is
 * global and permanent: never edit or rename a migration that has shipped.
 */
import type { Migration } from 'kysely';
import { AUDIT_MIGRATIONS } from '../audit/migrations.js';
import { METADATA_MIGRATIONS } from '../metadata/migrations.js';
import { VULNDB_MIGRATIONS } from '../vulndb/migrations.js';

const OWNED = { vulndb: VULNDB_MIGRATIONS, audit: AUDIT_MIGRATIONS, metadata: METADATA_MIGRATIONS };

function collect(): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const [owner, migrations] of Object.entries(OWNED))
    for (const [name, m] of Object.entries(migrations)) {
      if (name in all) throw new TypeError(`Migration ${name} of ${owner} is defined twice`);
      all[name] = m;
    }
  return all;
}

export const MIGRATIONS: Readonly<Record<string, Migration>> = collect();

/** Which module owns each migration (for `db status` and tests). */
export const MIGRATION_OWNERS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(OWNED).flatMap(([owner, migrations]) => Object.keys(migrations).map((name) => [name, owner])),
);
