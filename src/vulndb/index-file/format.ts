/**
 * The advisory index file: what a scan needs of the advisory store, laid out for a few
 * positional reads instead of starting the embedded database.
 *
 *     "PCADVIX1"                         8 bytes
 *     blobs                              OSV record texts, per-package OS advisory arrays (JSON)
 *     OSV record table    M × 12 bytes   blob offset, length, CRC-32 (records in id order)
 *     OSV key table       N × 16 bytes   key offset, key length, first list slot, slot count
 *     OSV key strings                    `ecosystem NUL name`, sorted bytewise
 *     OSV lists           u32 each       record numbers per key
 *     OS key table        K × 20 bytes   key offset, key length, blob offset, length, CRC-32
 *     OS key strings                     `distro NUL release NUL package`, sorted bytewise
 *     header              JSON           format, version, store identity, generation, sections, coverage
 *     trailer             48 bytes       u32 header length, u32 version, SHA-256 of tables + header, "PCADVEND"
 *
 * Integers are little-endian u32; offsets are relative to their section. The trailer's digest
 * covers everything but the blobs, and each blob carries its own CRC-32, so a reader that reads
 * only the packages it needs still detects a damaged file. Files are replaced by rename, never
 * written in place.
 */
import type { AdvisoryCoverage } from '../store-index.js';

export const MAGIC = Buffer.from('PCADVIX1', 'latin1');
export const END_MAGIC = Buffer.from('PCADVEND', 'latin1');
export const FORMAT = 'portcullis-advisory-index';
/** Bumped on any change of layout or meaning; a reader refuses other versions (and the file is rebuilt). */
export const FORMAT_VERSION = 1;
export const TRAILER_SIZE = 48;
export const OSV_RECORD_ENTRY = 12;
export const OSV_KEY_ENTRY = 16;
export const OS_KEY_ENTRY = 20;
export const SEP = '\u0000';

export type SectionName = 'blobs' | 'osvRecords' | 'osvKeys' | 'osvKeyStrings' | 'osvLists' | 'osKeys' | 'osKeyStrings';

export interface IndexHeader {
  format: typeof FORMAT;
  version: number;
  /** The embedded database's system identifier (from `global/pg_control`): whose data this is. */
  storeId: string;
  /** Digest of the store's source list (ids, import times, counts): which import this reflects. */
  generation: string;
  builtAt: string;
  /** [absolute offset, length] of each section. */
  sections: Record<SectionName, [number, number]>;
  counts: { osvRecords: number; osvKeys: number; osKeys: number; osAdvisories: number };
  coverage: AdvisoryCoverage;
  /** Import and last-check times of every source, as ISO strings (stale-data warning). */
  sources?: { id: string; importedAt: string; checkedAt: string | null }[];
}

export function osvKey(ecosystem: string, name: string): string {
  return `${ecosystem}${SEP}${name}`;
}

export function osKey(distro: string, release: string, pkg: string): string {
  return `${distro}${SEP}${release}${SEP}${pkg}`;
}

/** Why an index file cannot be used (it is then rebuilt, or the store is queried instead). */
export class IndexUnusable extends Error {
  constructor(
    readonly reason: 'missing' | 'corrupt' | 'version' | 'foreign' | 'stale',
    message: string,
  ) {
    super(message);
  }
}

/** PostgreSQL `LIKE` (with `\` as escape) as a test, for the one pattern the matcher asks. */
export function likeMatch(text: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u').test(text);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
