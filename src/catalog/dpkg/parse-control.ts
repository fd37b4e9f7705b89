/**
 * Parser for Debian control-style files (deb822): `var/lib/dpkg/status`, distroless `status.d/*`.
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

/** Parses stanzas separated by blank lines; continuation lines (leading space/tab) are folded. */
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
    if (line[0] === ' ' || line[0] === '\t') {
      if (lastKey && (lastKey === 'depends' || lastKey === 'preDepends' || lastKey === 'provides')) cur[lastKey] = `${cur[lastKey] ?? ''} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = FIELDS[line.slice(0, colon).toLowerCase()];
    lastKey = key;
    if (key) cur[key] = line.slice(colon + 1).trim();
  }
  flush();
  return out;
}

/** Names in a Depends-style field: alternatives per clause, version and arch qualifiers dropped. */
export function parseRelations(field: string | undefined): string[][] {
  if (!field) return [];
  return field
    .split(',')
    .map((clause) =>
      clause
        .split('|')
        .map((alt) => alt.trim().split(/[\s(:[]/, 1)[0]!)
        .filter(Boolean),
    )
    .filter((c) => c.length > 0);
}

/** `Source: name (version)` → parts. */
export function parseSource(field: string | undefined): { name: string; version?: string } | undefined {
  if (!field) return undefined;
  const m = /^(\S+)(?:\s*\(([^)]+)\))?/.exec(field.trim());
  if (!m) return undefined;
  return m[2] ? { name: m[1]!, version: m[2].trim() } : { name: m[1]! };
}

/**
 * License names from a machine-readable debian/copyright (DEP-5) file: the first line of every
 * `License:` field. Returns [] for free-form copyright files.
 */
export function parseCopyrightLicenses(text: string): string[] {
  if (!/^Format:\s*\S*copyright-format/im.test(text.slice(0, 2000))) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/^License:[ \t]*([^\n]+)/gim)) {
    const v = m[1]!.trim();
    if (v && !out.includes(v)) out.push(v);
    if (out.length >= 16) break;
  }
  return out;
}
