/**
 * Python versions. Valid PEP 440 versions order as PEP 440 says (pep440-key.ts, exact numbers,
 * checked against Python's packaging). Strings that are not PEP 440 are still ordered, the way pip and
 * packaging ordered them before packaging 22 (`LegacyVersion`, the setuptools scheme): every such
 * version sorts before every valid one, and among themselves they compare by their legacy key
 * (numbers padded to 8 digits, `pre`/`preview`/`rc` → `c`, `dev` → `@`, `-` → `final-`, trailing
 * zeros dropped). That is what pip 23.0 (Debian bookworm's python3-pip) still does when it meets
 * such versions on an index; newer pip skips them, so for matching this is the conservative
 * choice. Only empty strings and strings with whitespace or control characters inside are refused.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';
import { comparePep440Keys, parsePep440Key, type Pep440Key } from './pep440-key.js';

export type Pep440Version = { kind: 'pep440'; key: Pep440Key } | { kind: 'legacy'; key: string[] };

const LEGACY_SPLIT = /(\d+|[a-z]+|\.|-)/;
const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** packaging 21.3's _legacy_cmpkey, without the constant epoch of -1. */
export function legacyKey(v: string): string[] {
  const parts: string[] = [];
  const pieces: string[] = [];
  for (const raw of v.toLowerCase().split(LEGACY_SPLIT)) {
    const part = LEGACY_REPLACE[raw] ?? raw;
    if (part === '' || part === '.') continue;
    pieces.push(/^[0-9]/.test(part) ? part.padStart(8, '0') : '*' + part);
  }
  pieces.push('*final');
  for (const part of pieces) {
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

export function parsePep440(v: string): Pep440Version {
  const s = v.trim();
  if (s === '') throw invalidVersion('pep440', v, 'empty');
  const key = parsePep440Key(s);
  if (key) return { kind: 'pep440', key };
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(s)) throw invalidVersion('pep440', v, 'not a PEP 440 version, and contains whitespace or control characters');
  return { kind: 'legacy', key: legacyKey(s) };
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return sign(a.length - b.length);
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (x.kind === 'pep440' && y.kind === 'pep440') return comparePep440Keys(x.key, y.key);
  if (x.kind === 'legacy' && y.kind === 'legacy') return compareKeys(x.key, y.key);
  return x.kind === 'legacy' ? -1 : 1;
}

/** Whether `v` is a valid PEP 440 version (not merely orderable as a legacy one). */
export function isPep440(v: string): boolean {
  return parsePep440Key(v.trim()) !== undefined;
}

export const pep440Scheme: VersionScheme = {
  id: 'pep440',
  parse: parsePep440,
  tryParse: (v) => tryOr(() => parsePep440(v)),
  compare: comparePep440,
};
