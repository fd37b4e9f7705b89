/** Versioned migrations, applied in name order; never edit one that has shipped. */
import { sql, type Kysely, type Migration } from 'kysely';

export const MIGRATIONS: Record<string, Migration> = {
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
        .addColumn('advisory_id', 'text', (c) => c.notNull().references('osv_advisories.id').onDelete('cascade'))
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('osv_packages_lookup').on('osv_packages').columns(['ecosystem', 'name']).execute();
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
      await db.schema.createIndex('os_advisories_lookup').on('os_advisories').columns(['distro', 'release', 'package']).execute();
    },
  },
};
