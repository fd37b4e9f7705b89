/** Fallback ordering for ecosystems without a scheme: digit runs numerically, other runs as text. */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

export function parseGeneric(v: string): (number | string)[] {
  const s = v.trim();
  if (s === '') throw invalidVersion('generic', v, 'empty');
  return [...s.matchAll(/\d+|[A-Za-z]+/g)].map((m) => (/^\d/.test(m[0]) ? Number(m[0]) : m[0].toLowerCase()));
}

export function compareGeneric(a: string, b: string): number {
  const x = parseGeneric(a);
  const y = parseGeneric(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return sign(p - q);
    if (typeof p === 'number') return 1;
    if (typeof q === 'number') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export const genericScheme: VersionScheme = { id: 'generic', parse: parseGeneric, tryParse: (v) => tryOr(() => parseGeneric(v)), compare: compareGeneric };
