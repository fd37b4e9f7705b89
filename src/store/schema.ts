/** Table types for Kysely. */
import type { ColumnType, Generated } from 'kysely';

export interface AdvisorySourceTable {
  id: string;
  kind: string;
  location: string;
  imported_at: ColumnType<Date, Date | string, Date | string>;
  records: number;
  malformed: number;
  /** Validators of the last download (conditional requests), when the source is a URL. */
  etag: ColumnType<string | null, string | null | undefined, string | null>;
  last_modified: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the feed was last confirmed current: its import, or a `304 Not Modified`. */
  checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface OsvAdvisoryTable {
  id: string;
  source: string;
  modified: string | null;
  withdrawn: boolean;
  aliases: string[];
  summary: string | null;
  record: unknown;
}

export interface OsvPackageTable {
  advisory_id: string;
  ecosystem: string;
  name: string;
}

export interface OsAdvisoryTable {
  seq: Generated<number>;
  source: string;
  distro: string;
  release: string;
  package: string;
  id: string;
  state: string;
  fixed_version: string | null;
  severity: string | null;
  description: string | null;
}

export interface AuditLogTable {
  n: ColumnType<string, string | number, never>;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  remote: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
  /** Null on entries written before content binding. */
  entry_id: ColumnType<string | null, string | number | null, never>;
  content_hash: string | null;
}

export interface AuditPendingTable {
  id: ColumnType<string, string | number | undefined, never>;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  remote: string | null;
  detail: unknown;
  content_hash: string | null;
}

export interface AuditResourceTable {
  entry_id: ColumnType<string, string | number, never>;
  ord: number;
  collection: string;
  project: string;
  location: string;
  rid: string;
  digest: string;
  deleted: boolean;
}

export interface AuditBaselineTable {
  collection: string;
  max_seq: ColumnType<string, string | number, string | number>;
}

export interface AuditHeadTable {
  id: number;
  n: ColumnType<string, string | number, string | number>;
  hash: string;
}

export interface MetadataNoteTable {
  seq: Generated<string>;
  project: string;
  location: string;
  note_id: string;
  kind: string;
  body: unknown;
  create_time: ColumnType<Date, Date | string, Date | string>;
  update_time: ColumnType<Date, Date | string, Date | string>;
}

export interface MetadataOccurrenceTable {
  seq: Generated<string>;
  project: string;
  location: string;
  occurrence_id: string;
  kind: string;
  resource_uri: string;
  note_name: string;
  body: unknown;
  create_time: ColumnType<Date, Date | string, Date | string>;
  update_time: ColumnType<Date, Date | string, Date | string>;
}

export interface ApiTokenTable {
  id: string;
  hash: string;
  projects: unknown;
  role: string;
  description: string | null;
  created_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface Database {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_pending: AuditPendingTable;
  audit_resources: AuditResourceTable;
  audit_baseline: AuditBaselineTable;
  advisory_sources: AdvisorySourceTable;
  osv_advisories: OsvAdvisoryTable;
  osv_packages: OsvPackageTable;
  os_advisories: OsAdvisoryTable;
  metadata_notes: MetadataNoteTable;
  metadata_occurrences: MetadataOccurrenceTable;
  api_tokens: ApiTokenTable;
}
