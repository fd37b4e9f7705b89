/** RubyGems versions (Gem::Version): numeric and alphabetic segments; any letter makes a prerelease. */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

type Seg = number | string;

export function parseGem(v: string): Seg[] {
  const s = v.trim();
  if (!/^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(s)) throw invalidVersion('rubygems', v, 'not a gem version');
  const norm = s.replace(/-/g, '.pre.');
  return [...norm.matchAll(/[0-9]+|[a-z]+/gi)].map((m) => (/^\d/.test(m[0]) ? Number(m[0]) : m[0]));
}

/** Trailing zeros are dropped from the release part and the prerelease part (Gem::Version#canonical_segments). */
function canonical(segs: Seg[]): Seg[] {
  const i = segs.findIndex((x) => typeof x === 'string');
  const release = i < 0 ? segs : segs.slice(0, i);
  const pre = i < 0 ? [] : segs.slice(i);
  const trim = (a: Seg[]) => {
    const out = [...a];
    while (out.length > 0 && out[out.length - 1] === 0) out.pop();
    return out;
  };
  return [...trim(release), ...trim(pre)];
}

export function compareGem(a: string, b: string): number {
  const l = canonical(parseGem(a));
  const r = canonical(parseGem(b));
  const n = Math.max(l.length, r.length);
  for (let i = 0; i < n; i++) {
    const x = l[i] ?? 0;
    const y = r[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y === 'number') return -1;
    if (typeof x === 'number' && typeof y === 'string') return 1;
    return typeof x === 'number' ? sign(x - (y as number)) : x < (y as string) ? -1 : 1;
  }
  return 0;
}

export const rubygemsScheme: VersionScheme = { id: 'rubygems', parse: parseGem, tryParse: (v) => tryOr(() => parseGem(v)), compare: compareGem };
