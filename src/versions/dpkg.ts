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

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp. */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /[0-9]/.test(a[i]!) && j < b.length && /[0-9]/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1;
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1;
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
