/**
 * Composer (Packagist) versions, as Composer orders package versions: each string is normalised
 * the way composer/semver's VersionParser normalises it (`v1.2` → `1.2.0.0`, up to four numeric
 * parts, `-b2` → `-beta2`, `-p1`/`-pl1` → `-patch1`, `-rc.1` → `-RC1`, date versions, `1.0.x-dev`
 * → `1.0.9999999.9999999-dev`, build metadata dropped), then compared with PHP's version_compare
 * rules (segments split at `.` and digit/letter changes; dev < alpha = a < beta = b < RC = rc <
 * number < pl = p; other words before dev). Numbers are exact digit strings, where PHP saturates
 * at 2^63. Branches (`dev-master`) have no order and are refused.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';
import { compareDigits } from './digits.js';

const MODIFIER = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?`;
const CLASSICAL = new RegExp(String.raw`^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(String.raw`^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;
const STABILITY: Record<string, string> = { a: 'alpha', b: 'beta', p: 'patch', pl: 'patch', rc: 'RC' };

/** Composer's normalised form of a version, or undefined when Composer refuses it or it is a branch. */
export function normalizeComposer(input: string): string | undefined {
  let v = input.trim();
  v = v.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (/^(?:master|trunk|default)$/.test(v) || /^dev-/i.test(v)) return undefined;
  const build = /^([^,\s+]+)\+\S+$/.exec(v);
  if (build) v = build[1]!;
  let m = CLASSICAL.exec(v);
  let base: string | undefined;
  let at = 0;
  if (m) {
    base = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    at = 5;
  } else if ((m = DATE.exec(v))) {
    base = m[1]!.replace(/\D/g, '.');
    at = 2;
  }
  if (m && base !== undefined) {
    const stability = m[at];
    if (stability) {
      if (stability === 'stable') return base;
      base += '-' + (STABILITY[stability.toLowerCase()] ?? stability.toLowerCase()) + (m[at + 1] ? m[at + 1]!.replace(/^[.-]+/, '') : '');
    }
    if (m[at + 2]) base += '-dev';
    return base;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(v);
  if (dev) {
    const b = BRANCH.exec(dev[1]!.trim());
    if (b) return [1, 2, 3, 4].map((i) => (b[i] !== undefined ? b[i]!.replace(/[*X]/g, 'x') : '.x')).join('').replace(/x/g, '9999999') + '-dev';
  }
  return undefined;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string) => /[0-9A-Za-z]/.test(c);

/** PHP's canonical form: `-_+` and other non-alphanumerics become `.`, `.` between digits and letters, no doubled dots. */
function canonical(v: string): string {
  let out = v[0]!;
  let last = v[0]!;
  for (const c of v.slice(1)) {
    const lastKind = last === '.' ? 0 : isDigit(last) ? 1 : 2;
    const kind = isDigit(c) ? 1 : c === '.' ? 0 : 2;
    if (c === '-' || c === '_' || c === '+') {
      if (!out.endsWith('.')) out += '.';
    } else if (lastKind !== 0 && kind !== 0 && lastKind !== kind) {
      if (!out.endsWith('.')) out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (!out.endsWith('.')) out += '.';
    } else out += c;
    last = c;
  }
  return out;
}

const SPECIAL: [string, number][] = [['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5]];

function special(a: string, b: string): number {
  const rank = (s: string) => SPECIAL.find(([name]) => s.startsWith(name))?.[1] ?? -1;
  return Math.sign(rank(a) - rank(b));
}

/** PHP's version_compare, with exact numbers. */
export function phpVersionCompare(v1: string, v2: string): number {
  if (v1 === '' || v2 === '') return v1 === v2 ? 0 : v1 ? 1 : -1;
  const a = v1.startsWith('#') ? v1 : canonical(v1);
  const b = v2.startsWith('#') ? v2 : canonical(v2);
  let p1 = 0;
  let p2 = 0;
  let n1: number | undefined = 0;
  let n2: number | undefined = 0;
  let c = 0;
  while (p1 < a.length && p2 < b.length && n1 !== undefined && n2 !== undefined) {
    const d1 = a.indexOf('.', p1);
    const d2 = b.indexOf('.', p2);
    n1 = d1 < 0 ? undefined : d1;
    n2 = d2 < 0 ? undefined : d2;
    const s1 = a.slice(p1, n1 ?? a.length);
    const s2 = b.slice(p2, n2 ?? b.length);
    if (isDigit(s1[0]) && isDigit(s2[0])) c = compareDigits(s1, s2);
    else if (!isDigit(s1[0]) && !isDigit(s2[0])) c = special(s1, s2);
    else c = isDigit(s1[0]) ? special('#N#', s2) : special(s1, '#N#');
    if (c !== 0) break;
    if (n1 !== undefined) p1 = n1 + 1;
    if (n2 !== undefined) p2 = n2 + 1;
  }
  if (c === 0) {
    if (n1 !== undefined) c = isDigit(a[p1]) ? 1 : phpVersionCompare(a.slice(p1), '#N#');
    else if (n2 !== undefined) c = isDigit(b[p2]) ? -1 : phpVersionCompare('#N#', b.slice(p2));
  }
  return c;
}

export function parseComposer(v: string): string {
  if (/^\s*(?:dev-|master$|trunk$|default$)/i.test(v)) throw invalidVersion('composer', v, 'a branch, which Composer does not order against versions');
  const n = normalizeComposer(v);
  if (n === undefined) throw invalidVersion('composer', v, 'not a Composer version (e.g. 1.2.3, v1.2.3.4, 1.0-beta2, 2.0.x-dev)');
  return n;
}

export function compareComposer(a: string, b: string): number {
  return phpVersionCompare(parseComposer(a), parseComposer(b));
}

export const composerScheme: VersionScheme = { id: 'composer', parse: parseComposer, tryParse: (v) => tryOr(() => parseComposer(v)), compare: compareComposer };
