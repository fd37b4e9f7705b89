/**
 * Debian version ordering (deb-version(7), Debian Policy 5.6.12): [epoch:]upstream[-revision],
 * compared part by part; in non-digit runs `~` sorts before everything, even the end, and letters
 * before other characters.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export function parseDpkg(v: string): DpkgVersion {
  const s = v.trim();
  if (s === '') throw invalidVersion('dpkg', v, 'empty');
  if (/\s/.test(s)) throw invalidVersion('dpkg', v, 'contains whitespace');
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) throw invalidVersion('dpkg', v, 'epoch is not a number');
    // As dpkg: epochs are C ints (dpkg refuses larger ones), so Number is exact here.
    if (e.replace(/^0+(?=\d)/, '').length > 10 || Number(e) > 2147483647) throw invalidVersion('dpkg', v, 'epoch is too big');
    epoch = Number(e);
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream === '' || !/^\d/.test(upstream)) throw invalidVersion('dpkg', v, 'version must start with a digit');
  if (!/^[A-Za-z0-9.+~:-]+$/.test(upstream) || !/^[A-Za-z0-9.+~]*$/.test(revision)) throw invalidVersion('dpkg', v, 'invalid character');
  return { epoch, upstream, revision };
}

const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isAlphaCode = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** dpkg's order(): `~` first (even before the end), then the end and digits, letters, then the rest. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c === 126) return -1;
  if (isDigitCode(c)) return 0;
  if (isAlphaCode(c)) return c;
  return c + 256;
}

/** dpkg's verrevcmp. */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (i < a.length && isDigitCode(a.charCodeAt(i)) && j < b.length && isDigitCode(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigitCode(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigitCode(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkg(a);
  const y = parseDpkg(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  return sign(compareFragment(x.upstream, y.upstream) || compareFragment(x.revision, y.revision));
}

export const dpkgScheme: VersionScheme = {
  id: 'dpkg',
  parse: parseDpkg,
  tryParse: (v) => tryOr(() => parseDpkg(v)),
  compare: compareDpkg,
};
