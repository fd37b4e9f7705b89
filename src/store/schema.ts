/** Table types for Kysely. */
import type { ColumnType, Generated } from 'kysely';

export interface AdvisorySourceTable {
  id: string;
  kind: string;
  location: string;
  imported_at: ColumnType<Date, Date | string, Date | string>;
  records: number;
  malformed: number;
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

export interface Database {
  advisory_sources: AdvisorySourceTable;
  osv_advisories: OsvAdvisoryTable;
  osv_packages: OsvPackageTable;
  os_advisories: OsAdvisoryTable;
}
