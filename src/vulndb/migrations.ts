/**
 * The advisory store's tables (sources, OSV records and their packages, OS advisories) and their feed state.
 * Migrations of this module, applied by the store's runner (src/store) in name order together with
 * the other modules'; names are global and permanent: never edit or rename one that has shipped.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const VULNDB_MIGRATIONS: Record<string, Migration> = {
  '0001-advisories': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('advisory_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
        .addColumn('records', 'integer', (c) => c.notNull())
        .addColumn('malformed', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('osv_advisories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('modified', 'text')
        .addColumn('withdrawn', 'boolean', (c) => c.notNull())
        .addColumn('aliases', sql`text[]`, (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('record', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('osv_packages')
        .addColumn('advisory_id', 'text', (c) =>
          c.notNull().references('osv_advisories.id').onDelete('cascade'),
        )
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('osv_packages_lookup')
        .on('osv_packages')
        .columns(['ecosystem', 'name'])
        .execute();
      await db.schema
        .createTable('os_advisories')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('distro', 'text', (c) => c.notNull())
        .addColumn('release', 'text', (c) => c.notNull())
        .addColumn('package', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('fixed_version', 'text')
        .addColumn('severity', 'text')
        .addColumn('description', 'text')
        .execute();
      await db.schema
        .createIndex('os_advisories_lookup')
        .on('os_advisories')
        .columns(['distro', 'release', 'package'])
        .execute();
    },
  },
  // Feed state per advisory source: the validators of the last download (for conditional
  // requests) and when the feed was last confirmed current (import or HTTP 304).
  '0005-feeds-source-state': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('advisory_sources').addColumn('etag', 'text').execute();
      await db.schema.alterTable('advisory_sources').addColumn('last_modified', 'text').execute();
      await db.schema.alterTable('advisory_sources').addColumn('checked_at', 'timestamptz').execute();
    },
  },
};
