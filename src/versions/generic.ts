/** Fallback ordering for ecosystems without a scheme: digit runs numerically (exact bigint), other runs as text. */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';

export function parseGeneric(v: string): (bigint | string)[] {
  const s = v.trim();
  if (s === '') throw invalidVersion('generic', v, 'empty');
  return [...s.matchAll(/\d+|[A-Za-z]+/g)].map((m) => (/^\d/.test(m[0]) ? BigInt(m[0]) : m[0].toLowerCase()));
}

export function compareGeneric(a: string, b: string): number {
  const x = parseGeneric(a);
  const y = parseGeneric(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0n;
    const q = y[i] ?? 0n;
    if (p === q) continue;
    if (typeof p === 'bigint' && typeof q === 'bigint') return p < q ? -1 : 1;
    if (typeof p === 'bigint') return 1;
    if (typeof q === 'bigint') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export const genericScheme: VersionScheme = { id: 'generic', parse: parseGeneric, tryParse: (v) => tryOr(() => parseGeneric(v)), compare: compareGeneric };
