/**
 * OSV records (https://ossf.github.io/osv-schema/): tolerant parsing of JSON or YAML documents and
 * evaluation of `affected[].ranges` (SEMVER, ECOSYSTEM; GIT ranges by exact commit only, since the
 * repository's history is not at hand) and `affected[].versions`.
 */
import { ecosystemKey } from '../core/index.js';
import { parse as parseYaml } from 'yaml';
import { schemeFor, semverScheme, type VersionScheme } from '../versions/index.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  /** Upstream ids the record is about (OSV 1.7: e.g. a DSA lists the CVEs it fixes). */
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** Parses one OSV record from JSON or YAML text; throws with a reason when it is not one. */
export function parseOsv(text: string): OsvRecord {
  const t = text.trimStart();
  const doc: unknown = t.startsWith('{') ? JSON.parse(t) : parseYaml(t, { maxAliasCount: 50 });
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
  const o = doc as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') throw new Error('missing id');
  if (o.affected !== undefined && !Array.isArray(o.affected)) throw new Error('affected is not an array');
  for (const a of (o.affected as unknown[] | undefined) ?? []) {
    const r = (a as OsvAffected).ranges;
    if (r !== undefined && (!Array.isArray(r) || r.some((x) => !x || !Array.isArray(x.events)))) throw new Error('malformed ranges');
  }
  return o as unknown as OsvRecord;
}

/** PEP 503 for PyPI, case-insensitive where the ecosystem is. */
export function normalisePackageName(ecosystem: string, name: string): string {
  const e = ecosystemKey(ecosystem);
  if (e === 'pypi') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (e === 'nuget' || e === 'packagist' || e === 'composer') return name.toLowerCase();
  return name;
}

/** The commit an installed version names: a bare hex hash, or a Go pseudo-version's 12-hex suffix. */
export function commitOf(version: string): string | undefined {
  const v = version.trim().toLowerCase();
  if (/^[0-9a-f]{7,40}$/.test(v)) return v;
  const m = /^v\d+\.\d+\.\d+-(?:[0-9a-z.]+\.)?\d{14}-([0-9a-f]{12})(?:\+incompatible)?$/.exec(v);
  return m?.[1];
}

const sameCommit = (a: string, b: string) => a.length >= 7 && b.length >= 7 && (a.startsWith(b.toLowerCase()) || b.toLowerCase().startsWith(a));

/**
 * GIT ranges without the repository: the commit graph is unknown, so only an installed commit
 * that *is* one of the events decides (introduced / last_affected → affected, fixed / limit →
 * not affected); anything else is undecided and left to the record's `versions` list and
 * other ranges.
 */
function inGitRange(version: string, range: OsvRange): boolean | undefined {
  const commit = commitOf(version);
  if (!commit) return undefined;
  for (const e of range.events) {
    if ((e.fixed && sameCommit(commit, e.fixed)) || (e.limit && sameCommit(commit, e.limit))) return false;
  }
  for (const e of range.events) {
    if ((e.introduced && e.introduced !== '0' && sameCommit(commit, e.introduced)) || (e.last_affected && sameCommit(commit, e.last_affected))) return true;
  }
  return undefined;
}

function inRange(version: string, range: OsvRange, scheme: VersionScheme): boolean | undefined {
  if (range.type === 'GIT') return inGitRange(version, range);
  const s = range.type === 'SEMVER' ? semverScheme : scheme;
  const cmp = (a: string, b: string) => (a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : s.compare(a, b));
  const key = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';
  let events: OsvEvent[];
  try {
    events = [...range.events].sort((a, b) => cmp(key(a), key(b)));
  } catch {
    return undefined;
  }
  let affected = false;
  try {
    for (const e of events) {
      if (e.introduced !== undefined && cmp(version, e.introduced) >= 0) affected = true;
      else if (e.fixed !== undefined && cmp(version, e.fixed) >= 0) affected = false;
      else if (e.last_affected !== undefined && cmp(version, e.last_affected) > 0) affected = false;
    }
    for (const e of events) if (e.limit !== undefined && e.limit !== '*' && cmp(version, e.limit) >= 0) affected = false;
  } catch {
    // The installed version is not one this scheme can order: undecided.
    return undefined;
  }
  return affected;
}

export interface AffectedResult {
  affected: boolean;
  /** Fixed versions above the installed one, lowest first. */
  fixedVersions: string[];
  /** True when the decision came from an explicit `versions` list only. */
  byVersionList: boolean;
}

/**
 * Whether an `affected[].package.ecosystem` is the one asked for. A bare ecosystem (`PyPI`)
 * matches on its name; one with a release (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04`) matches
 * only that release (Ubuntu's `:LTS` / `:Pro` suffixes after the release included), so one
 * release never borrows another's fixed version.
 */
export function ecosystemMatches(affected: string, wanted: string): boolean {
  const a = affected.toLowerCase();
  const w = wanted.toLowerCase();
  if (!w.includes(':')) return a.split(':')[0] === w;
  return a === w || a.startsWith(w + ':');
}

/** Whether `version` of package `name` in `ecosystem` is affected by the record. */
export function evaluateOsv(record: OsvRecord, ecosystem: string, name: string, version: string): AffectedResult {
  const none: AffectedResult = { affected: false, fixedVersions: [], byVersionList: false };
  if (record.withdrawn) return none;
  const want = normalisePackageName(ecosystem, name);
  const scheme = schemeFor(ecosystem);
  let affected = false;
  let byList = false;
  const fixed = new Set<string>();
  for (const a of record.affected ?? []) {
    if (!a.package) continue;
    if (!ecosystemMatches(a.package.ecosystem, ecosystem)) continue;
    if (normalisePackageName(a.package.ecosystem, a.package.name) !== want) continue;
    let hit = false;
    let fixedCommit = false;
    for (const r of a.ranges ?? []) {
      const inside = inRange(version, r, scheme);
      if (inside === false && r.type === 'GIT') fixedCommit = true;
      if (inside) {
        hit = true;
        if (r.type === 'GIT') continue;
        for (const e of r.events) if (e.fixed !== undefined && scheme.tryParse(e.fixed) !== undefined && scheme.compare(e.fixed, version) > 0) fixed.add(e.fixed);
      }
    }
    if (!hit && !fixedCommit && (a.versions ?? []).includes(version)) {
      hit = true;
      byList = true;
    }
    affected ||= hit;
  }
  return { affected, fixedVersions: [...fixed].sort((x, y) => scheme.compare(x, y)), byVersionList: affected && byList };
}
