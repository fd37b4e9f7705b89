/** NuGet versions: up to four numeric parts, SemVer 2 prerelease labels compared case-insensitively; numbers as digit strings (exact past 2^53). */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';
import { compareDigits, isDigits } from './digits.js';

export interface NugetVersion {
  parts: string[];
  pre: string[];
}

export function parseNuget(v: string): NugetVersion {
  const m = /^v?(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) throw invalidVersion('nuget', v, 'not a NuGet version');
  const parts = m[1]!.split('.');
  while (parts.length < 4) parts.push('0');
  return { parts, pre: m[2] ? m[2].split('.') : [] };
}

export function compareNuget(a: string, b: string): number {
  const x = parseNuget(a);
  const y = parseNuget(b);
  for (let i = 0; i < 4; i++) {
    const c = compareDigits(x.parts[i]!, y.parts[i]!);
    if (c !== 0) return c;
  }
  if (x.pre.length === 0 && y.pre.length === 0) return 0;
  if (x.pre.length === 0) return 1;
  if (y.pre.length === 0) return -1;
  const n = Math.max(x.pre.length, y.pre.length);
  for (let i = 0; i < n; i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = isDigits(p);
    const qn = isDigits(q);
    if (pn && qn) {
      const c = compareDigits(p, q);
      if (c !== 0) return c;
    } else if (pn !== qn) return pn ? -1 : 1;
    else {
      const c = p.toLowerCase() < q.toLowerCase() ? -1 : p.toLowerCase() > q.toLowerCase() ? 1 : 0;
      if (c !== 0) return c;
    }
  }
  return 0;
}

export const nugetScheme: VersionScheme = { id: 'nuget', parse: parseNuget, tryParse: (v) => tryOr(() => parseNuget(v)), compare: compareNuget };
