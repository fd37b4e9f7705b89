/**
 * The Grafeas tables (notes, occurrences, their filter indexes) and the metadata server's bearer tokens (created with them in 0003).
 * Migrations of this module, applied by the store's runner (src/store) in name order together with
 * the other modules'; names are global and permanent: never edit or rename one that has shipped.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const METADATA_MIGRATIONS: Record<string, Migration> = {
  '0003-metadata': {
    async up(db: Kysely<unknown>) {
      // Grafeas notes and occurrences. `seq` is the immutable keyset-pagination key; the Grafeas
      // object itself (less the server-assigned name, kind and times) is kept as jsonb.
      await db.schema
        .createTable('metadata_notes')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('note_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addColumn('create_time', 'timestamptz', (c) => c.notNull())
        .addColumn('update_time', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('metadata_notes_name', ['project', 'location', 'note_id'])
        .execute();
      await db.schema
        .createIndex('metadata_notes_list')
        .on('metadata_notes')
        .columns(['project', 'location', 'seq'])
        .execute();
      await db.schema
        .createTable('metadata_occurrences')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('occurrence_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('resource_uri', 'text', (c) => c.notNull())
        .addColumn('note_name', 'text', (c) => c.notNull())
        .addColumn('body', 'jsonb', (c) => c.notNull())
        .addColumn('create_time', 'timestamptz', (c) => c.notNull())
        .addColumn('update_time', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('metadata_occurrences_name', ['project', 'location', 'occurrence_id'])
        .execute();
      await db.schema
        .createIndex('metadata_occurrences_list')
        .on('metadata_occurrences')
        .columns(['project', 'location', 'seq'])
        .execute();
      await db.schema
        .createIndex('metadata_occurrences_kind_resource')
        .on('metadata_occurrences')
        .columns(['project', 'kind', 'resource_uri', 'seq'])
        .execute();
      await db.schema
        .createIndex('metadata_occurrences_note')
        .on('metadata_occurrences')
        .columns(['note_name', 'seq'])
        .execute();
      // Bearer tokens of the metadata server: only the SHA-256 of a token is stored.
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('projects', 'jsonb', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .execute();
    },
  },
  '0006-filters-occurrence-indexes': {
    async up(db: Kysely<unknown>) {
      // What list filters use (src/metadata/filter.ts emits these exact expressions), each after
      // (project, location) and, where an equality selects, before seq: a page of any selectivity
      // is read in seq order from the index, never by scanning the project's rows.
      // The details indexes are partial: a details field only exists on occurrences of its kind
      // (the API enforces it), the filter adds that kind, and other rows skip their upkeep.
      const indexes: [string, string, string?][] = [
        ['kind', 'kind, seq'],
        ['resource', 'resource_uri collate "C", seq'],
        ['note_name', 'note_name collate "C", seq'],
        ['note_id', `(split_part(note_name, '/notes/', 2)), seq`],
        ['create_time', 'create_time, seq'],
        ['update_time', 'update_time, seq'],
        ['severity', `(body #>> '{vulnerability,severity}'::text[]), seq`, 'VULNERABILITY'],
        ['effective_severity', `(body #>> '{vulnerability,effectiveSeverity}'::text[]), seq`, 'VULNERABILITY'],
        ['fix_available', `(body #> '{vulnerability,fixAvailable}'::text[]), seq`, 'VULNERABILITY'],
        ['cvss_score', `(case when jsonb_typeof(body #> '{vulnerability,cvssScore}'::text[]) = 'number' then (body #>> '{vulnerability,cvssScore}'::text[])::numeric end), seq`, 'VULNERABILITY'],
        ['package_name', `(body #>> '{package,name}'::text[]), seq`, 'PACKAGE'],
      ];
      for (const [name, columns, kind] of indexes)
        await sql`create index ${sql.raw(`metadata_occurrences_f_${name}`)} on metadata_occurrences (project, location, ${sql.raw(columns)})${kind ? sql.raw(` where kind = '${kind}'`) : sql``}`.execute(db);
    },
  },
};
