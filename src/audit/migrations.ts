/**
 * The audit log's tables: the hash chain, its head, pending entries, the content links of each entry and the verification baseline.
 * Migrations of this module, applied by the store's runner (src/store) in name order together with
 * the other modules'; names are global and permanent: never edit or rename one that has shipped.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const AUDIT_MIGRATIONS: Record<string, Migration> = {
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
};
