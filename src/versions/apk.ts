/**
 * Alpine (apk) version ordering: digits (`.`-separated), an optional letter, suffixes
 * (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` < `_svn` < `_git` < `_hg` < `_p`, each with an
 * optional number), an optional `~hash`, and `-rN`.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

const SUFFIX_RANK: Record<string, number> = { alpha: 0, beta: 1, pre: 2, rc: 3, '': 4, cvs: 5, svn: 6, git: 7, hg: 8, p: 9 };
const RE = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

export interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: { rank: number; n: number }[];
  revision: number;
}

export function parseApk(v: string): ApkVersion {
  const m = RE.exec(v.trim());
  if (!m) throw invalidVersion('apk', v, 'not of the form 1.2.3[a][_suffixN][-rN]');
  return {
    numbers: m[1]!.split('.'),
    letter: m[2]!,
    suffixes: [...m[3]!.matchAll(/_([a-z]+)(\d*)/g)].map((s) => ({ rank: SUFFIX_RANK[s[1]!]!, n: Number(s[2] || 0) })),
    revision: Number(m[4] ?? 0),
  };
}

function compareNumberPart(a: string, b: string, first: boolean): number {
  // apk compares later components with a leading zero as decimal fractions (1.01 < 1.1).
  if (!first && (a.startsWith('0') || b.startsWith('0'))) {
    const x = a.replace(/0+$/, '');
    const y = b.replace(/0+$/, '');
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return sign(Number(a) - Number(b));
}

export function compareApk(a: string, b: string): number {
  const x = parseApk(a);
  const y = parseApk(b);
  const n = Math.min(x.numbers.length, y.numbers.length);
  for (let i = 0; i < n; i++) {
    const c = compareNumberPart(x.numbers[i]!, y.numbers[i]!, i === 0);
    if (c !== 0) return c;
  }
  if (x.numbers.length !== y.numbers.length) return x.numbers.length > y.numbers.length ? 1 : -1;
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  const len = Math.max(x.suffixes.length, y.suffixes.length);
  for (let i = 0; i < len; i++) {
    const s = x.suffixes[i] ?? { rank: 4, n: 0 };
    const t = y.suffixes[i] ?? { rank: 4, n: 0 };
    if (s.rank !== t.rank) return sign(s.rank - t.rank);
    if (s.n !== t.n) return sign(s.n - t.n);
  }
  return sign(x.revision - y.revision);
}

export const apkScheme: VersionScheme = { id: 'apk', parse: parseApk, tryParse: (v) => tryOr(() => parseApk(v)), compare: compareApk };
