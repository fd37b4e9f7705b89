/**
 * RubyGems versions (Gem::Version): numeric and alphabetic segments; any letter makes a
 * prerelease. Letters may follow digits inside a dotted segment (`1.0beta2` is [1, 0, "beta", 2]),
 * but the first segment must be all digits: Gem::Version refuses `1beta`, and so do we. `-` reads
 * as `.pre.`. Numbers are exact (bigint), so segments past 2^53 keep their order.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';

type Seg = bigint | string;

/** Gem::Version::ANCHORED_VERSION_PATTERN, after strip. */
const PATTERN = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseGem(v: string): Seg[] {
  const s = v.trim();
  if (!PATTERN.test(s)) throw invalidVersion('rubygems', v, 'not a gem version (digits first, then dot-separated digits or letters, e.g. 1.0.0, 1.0.0.beta2, 1.0.0-rc1)');
  const norm = s.replace(/-/g, '.pre.');
  return [...norm.matchAll(/[0-9]+|[a-z]+/gi)].map((m) => (/^\d/.test(m[0]) ? BigInt(m[0]) : m[0]));
}

/** Trailing zeros are dropped from the release part and the prerelease part (Gem::Version#canonical_segments). */
function canonical(segs: Seg[]): Seg[] {
  const i = segs.findIndex((x) => typeof x === 'string');
  const release = i < 0 ? segs : segs.slice(0, i);
  const pre = i < 0 ? [] : segs.slice(i);
  const trim = (a: Seg[]) => {
    const out = [...a];
    while (out.length > 0 && out[out.length - 1] === 0n) out.pop();
    return out;
  };
  return [...trim(release), ...trim(pre)];
}

export function compareGem(a: string, b: string): number {
  const l = canonical(parseGem(a));
  const r = canonical(parseGem(b));
  const n = Math.max(l.length, r.length);
  for (let i = 0; i < n; i++) {
    const x = l[i] ?? 0n;
    const y = r[i] ?? 0n;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y !== 'string') return -1;
    if (typeof x !== 'string' && typeof y === 'string') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export const rubygemsScheme: VersionScheme = { id: 'rubygems', parse: parseGem, tryParse: (v) => tryOr(() => parseGem(v)), compare: compareGem };
