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
  '0002-audit': {
    async up(db: Kysely<unknown>) {
      // Append-only, hash-chained: `n` is contiguous from 1, `prev_hash` is the hash of entry n-1.
      await db.schema
        .createTable('audit_log')
        .addColumn('n', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('remote', 'text')
        .addColumn('detail', 'jsonb')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      // The newest entry's number and hash, so deleting entries from the end is detected too.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    },
  },
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
  '0004-audit-content': {
    async up(db: Kysely<unknown>) {
      // Audit entries bind content: every write records the digest of each resource row it left
      // (or deleted) in audit_resources, keyed by the entry's id. Writes add their entry to
      // audit_pending inside their own transaction (no lock); a linker appends pending entries to
      // the chain in batches (group commit). entry_id is shared by both tables.
      await sql`create sequence audit_entry_seq`.execute(db);
      await sql`alter table audit_log add column entry_id bigint unique`.execute(db);
      await sql`alter table audit_log add column content_hash text`.execute(db);
      await db.schema
        .createTable('audit_pending')
        .addColumn('id', 'bigint', (c) => c.primaryKey().defaultTo(sql`nextval('audit_entry_seq')`))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('remote', 'text')
        .addColumn('detail', 'jsonb')
        .addColumn('content_hash', 'text')
        .execute();
      await db.schema
        .createTable('audit_resources')
        .addColumn('entry_id', 'bigint', (c) => c.notNull())
        .addColumn('ord', 'integer', (c) => c.notNull())
        .addColumn('collection', 'text', (c) => c.notNull())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('rid', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('deleted', 'boolean', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_resources_pkey', ['entry_id', 'ord'])
        .execute();
      await db.schema
        .createIndex('audit_resources_latest')
        .on('audit_resources')
        .columns(['collection', 'project', 'location', 'rid', 'entry_id'])
        .execute();
      // Rows written before content binding have no link; they are counted, not reported.
      await db.schema
        .createTable('audit_baseline')
        .addColumn('collection', 'text', (c) => c.primaryKey())
        .addColumn('max_seq', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into audit_baseline (collection, max_seq)
        select 'notes', coalesce(max(seq), 0) from metadata_notes
        union all select 'occurrences', coalesce(max(seq), 0) from metadata_occurrences`.execute(db);
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
