/**
 * RPM version ordering: [epoch:]version[-release], each compared with rpmvercmp (alphanumeric
 * segments; digits beat letters; `~` sorts before anything, `^` after the end but before more).
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';
import { compareDigits } from './digits.js';

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = /[0-9]/.test(a[i]!);
    const re = numeric ? /[0-9]/ : /[A-Za-z]/;
    let ie = i;
    let je = j;
    while (ie < a.length && re.test(a[ie]!)) ie++;
    while (je < b.length && re.test(b[je]!)) je++;
    let sa = a.slice(i, ie);
    let sb = b.slice(j, je);
    if (sb === '') return numeric ? 1 : -1;
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface RpmVersion {
  epoch: string;
  version: string;
  /** Undefined when the string has no `-release` part (not the same as an empty release). */
  release: string | undefined;
}

export function parseRpm(v: string): RpmVersion {
  const s = v.trim();
  if (s === '' || /\s/.test(s)) throw invalidVersion('rpm', v, 'empty or contains whitespace');
  let epoch = '0';
  let rest = s;
  const m = /^(\d*):(.*)$/.exec(s);
  if (m) {
    epoch = m[1] || '0';
    rest = m[2]!;
  }
  const dash = rest.lastIndexOf('-');
  return { epoch, version: dash >= 0 ? rest.slice(0, dash) : rest, release: dash >= 0 ? rest.slice(dash + 1) : undefined };
}

export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a);
  const y = parseRpm(b);
  const e = compareDigits(x.epoch, y.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  // As rpm's own EVR comparison (rpm.vercmp, rpmverCmp): a version without a release sorts before
  // the same version with any release, even an empty one (`1` < `1-` < `1-0` < `1-1`).
  if (x.release === undefined || y.release === undefined) return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  return rpmvercmp(x.release, y.release);
}

export const rpmScheme: VersionScheme = { id: 'rpm', parse: parseRpm, tryParse: (v) => tryOr(() => parseRpm(v)), compare: compareRpm };
