/**
 * Parsers for Debian control-style files (deb822): `var/lib/dpkg/status`, distroless
 * `status.d/*`, relationship fields, and machine-readable `debian/copyright` (DEP-5).
 * Keeps only the fields the cataloger needs.
 */
export interface DpkgStanza {
  package: string;
  status?: string;
  version?: string;
  architecture?: string;
  source?: string;
  maintainer?: string;
  depends?: string;
  preDepends?: string;
  provides?: string;
}

const FIELDS: Record<string, keyof DpkgStanza> = {
  package: 'package',
  status: 'status',
  version: 'version',
  architecture: 'architecture',
  source: 'source',
  maintainer: 'maintainer',
  depends: 'depends',
  'pre-depends': 'preDepends',
  provides: 'provides',
};

/** Relationship fields may be folded over several lines; other kept fields are single-line. */
const FOLDED = new Set<keyof DpkgStanza>(['depends', 'preDepends', 'provides']);

/**
 * Parses stanzas separated by blank lines (deb822). Field names are case-insensitive;
 * continuation lines (leading space or tab) are folded into relationship fields and ignored
 * elsewhere (descriptions, conffiles). Stanzas without `Package` are dropped.
 */
export function parseControl(text: string): DpkgStanza[] {
  const out: DpkgStanza[] = [];
  let cur: Partial<DpkgStanza> = {};
  let lastKey: keyof DpkgStanza | undefined;
  const flush = () => {
    if (cur.package) out.push(cur as DpkgStanza);
    cur = {};
    lastKey = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      flush();
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      if (lastKey && FOLDED.has(lastKey)) cur[lastKey] = `${cur[lastKey] ?? ''} ${line.trim()}`;
      continue;
    }
    if (first === 35) continue; // '#' comment lines are allowed in deb822
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastKey = undefined;
      continue;
    }
    const key = FIELDS[line.slice(0, colon).toLowerCase()];
    lastKey = key;
    if (key) cur[key] = line.slice(colon + 1).trim();
  }
  flush();
  return out;
}

/** One alternative of a relationship clause: `name[:archqual] [(op version)] [[arch…]]`. */
export interface Relation {
  name: string;
  /** `any`, `native` or an architecture, when qualified. */
  archQualifier?: string;
}

/**
 * `Depends`-style field → clauses (comma-separated) of alternatives (`|`-separated), with
 * version constraints, architecture restrictions and build profiles dropped.
 */
export function parseRelations(field: string | undefined): Relation[][] {
  if (!field) return [];
  const out: Relation[][] = [];
  for (const clause of field.split(',')) {
    const alts: Relation[] = [];
    for (const alt of clause.split('|')) {
      const token = /^\s*([^\s(:[<]+)(?::([A-Za-z0-9-]+))?/.exec(alt);
      if (!token) continue;
      alts.push(token[2] ? { name: token[1]!, archQualifier: token[2] } : { name: token[1]! });
    }
    if (alts.length > 0) out.push(alts);
  }
  return out;
}

/** `Source: name (version)` → parts. */
export function parseSource(field: string | undefined): { name: string; version?: string } | undefined {
  if (!field) return undefined;
  const m = /^(\S+)(?:\s*\(([^)]+)\))?/.exec(field.trim());
  if (!m) return undefined;
  return m[2] ? { name: m[1]!, version: m[2].trim() } : { name: m[1]! };
}

/** The dpkg package state: the third word of `Status: want flag state`. */
export function dpkgState(status: string | undefined): string | undefined {
  if (!status) return undefined;
  return status.trim().split(/\s+/)[2];
}

/**
 * Whether `dpkg-query -W` (and `-l`) lists the package: every package in the database except
 * those in state `not-installed` (purged, or only known from `available`). Packages in
 * `config-files`, `half-installed`, `unpacked`, `half-configured`, `triggers-awaited` and
 * `triggers-pending` are listed. Distroless `status.d` stanzas may omit `Status`: installed.
 */
export function isListedByDpkg(s: DpkgStanza): boolean {
  return dpkgState(s.status) !== 'not-installed';
}

const MAX_LICENSES = 32;

/**
 * License names from a machine-readable debian/copyright file
 * (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/): the first line of every
 * `License:` field, as written. Returns [] for free-form copyright files.
 */
export function parseCopyrightLicenses(text: string): string[] {
  if (!/^Format:[ \t]*\S*copyright-format/im.test(text.slice(0, 4096))) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/^License:[ \t]*([^\r\n]*)/gim)) {
    const v = m[1]!.trim();
    if (v && !out.includes(v)) out.push(v);
    if (out.length >= MAX_LICENSES) break;
  }
  return out;
}
