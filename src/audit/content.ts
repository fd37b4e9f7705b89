/**
 * What an audit entry binds of the content it wrote: per resource row, the canonical digest of
 * the row as stored after the write (or of the row deleted), kept in `audit_resources` beside the
 * entry and folded into the entry's hash through a content hash. The collections the metadata API
 * stores are listed once here; verification re-reads exactly these tables and columns.
 */
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { AuditContentRef, AuditedCollectionName } from '../core/index.js';
import { canonicalDigest } from './canonical.js';

export interface AuditedCollection {
  collection: AuditedCollectionName;
  table: 'metadata_notes' | 'metadata_occurrences';
  /** The column holding the resource id (the last segment of its name). */
  idColumn: 'note_id' | 'occurrence_id';
  /**
   * The stored columns the digest covers: the resource as the API serves it (`seq`, the internal
   * paging key, is not part of it, so a digest is known before the insert that assigns it).
   */
  columns: readonly string[];
}

export const AUDITED_COLLECTIONS: readonly AuditedCollection[] = [
  {
    collection: 'notes',
    table: 'metadata_notes',
    idColumn: 'note_id',
    columns: ['project', 'location', 'note_id', 'kind', 'body', 'create_time', 'update_time'],
  },
  {
    collection: 'occurrences',
    table: 'metadata_occurrences',
    idColumn: 'occurrence_id',
    columns: ['project', 'location', 'occurrence_id', 'kind', 'resource_uri', 'note_name', 'body', 'create_time', 'update_time'],
  },
];

export function auditedCollection(name: AuditedCollectionName): AuditedCollection {
  const c = AUDITED_COLLECTIONS.find((x) => x.collection === name);
  if (!c) throw new TypeError(`Not an audited collection: ${String(name)}`);
  return c;
}

/** A row a write left (or deleted), as the store returned it. */
/** One line of an entry's content, as kept in audit_resources. */
export interface ContentLink {
  collection: AuditedCollectionName;
  project: string;
  location: string;
  rid: string;
  digest: string;
  deleted: boolean;
}

function normalise(column: string, v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (column === 'body' && typeof v === 'string') return JSON.parse(v) as unknown;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** The canonical digest of a stored row: SHA-256 over the canonical JSON of its bound columns. */
export function rowDigest(c: AuditedCollection, row: Record<string, unknown>): string {
  const o: Record<string, unknown> = {};
  for (const col of c.columns) o[col] = normalise(col, row[col]) ?? null;
  return canonicalDigest(o);
}

export function linkOf(ref: AuditContentRef): ContentLink {
  const c = auditedCollection(ref.collection);
  return {
    collection: c.collection,
    project: String(ref.row.project),
    location: String(ref.row.location ?? ''),
    rid: String(ref.row[c.idColumn]),
    digest: rowDigest(c, ref.row),
    deleted: ref.deleted === true,
  };
}

/** `projects/P[/locations/L]/COLLECTION/ID`, the name the API gives the resource. */
export function resourceNameOf(l: Pick<ContentLink, 'collection' | 'project' | 'location' | 'rid'>): string {
  return `projects/${l.project}${l.location ? `/locations/${l.location}` : ''}/${l.collection}/${l.rid}`;
}

const field = (s: string) => `${Buffer.byteLength(s, 'utf8')}:${s}`;

/** One self-delimiting line per link; the SQL below builds the same bytes. */
export function contentLine(l: ContentLink): string {
  return `${field(l.collection)}${field(l.project)}${field(l.location)}${field(l.rid)}${l.deleted ? 'd' : 'w'}${l.digest}`;
}

/** SHA-256 over an entry's links in order; null for an entry that wrote no content. */
export function contentHash(links: readonly ContentLink[]): string | null {
  if (links.length === 0) return null;
  const h = createHash('sha256');
  for (const l of links) h.update(contentLine(l));
  return h.digest('hex');
}

/**
 * The content hash of entry `entryId` computed by the database from audit_resources (null when
 * it has no rows), so a verifier streams entries without loading their links.
 */
export function contentHashSql(entryId: RawBuilder<unknown>): RawBuilder<string | null> {
  const f = (col: string) => sql`octet_length(${sql.ref(`r.${col}`)}) || ':' || ${sql.ref(`r.${col}`)}`;
  return sql<string | null>`(select encode(sha256(convert_to(string_agg(${f('collection')} || ${f('project')} || ${f('location')} || ${f('rid')} || case when r.deleted then 'd' else 'w' end || r.digest, '' order by r.ord), 'UTF8')), 'hex') from audit_resources r where r.entry_id = ${entryId})`;
}
