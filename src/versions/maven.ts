/**
 * Maven version ordering, as org.apache.maven.artifact.versioning.ComparableVersion of Maven 3.9
 * (checked against Debian's maven-artifact 3.8.7 in CI and against 3.9.6, which answer alike on
 * every generated vector): items split on `.`, `-` and digit/letter transitions; `-` and
 * transitions open sub-lists; a trailing `.X` qualifier is read as `-X`; trailing null items
 * (0, "", ga/final/release) are trimmed per list; numbers are exact (bigint);
 * qualifiers alpha < beta < milestone < rc = cr < snapshot < (release = ga = final) < sp < others
 * (lexical). Where the POM reference's prose disagrees with the implementation (it says
 * `1-ga-1` = `1-1`; ComparableVersion says `1-ga-1` < `1-1`), the implementation decides, since it
 * is what Maven orders with.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

type Item = { kind: 'int'; value: bigint } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function strItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  return { kind: 'str', value: ALIASES[v] ?? v };
}

function comparable(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? { kind: 'int', value: BigInt(buf) } : strItem(buf, false);
}

function isNull(it: Item): boolean {
  if (it.kind === 'int') return it.value === 0n;
  if (it.kind === 'str') return comparable(it.value) === RELEASE_INDEX;
  return it.items.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i]!;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMaven(version: string): Item {
  const v = version.trim().toLowerCase();
  if (v === '') throw invalidVersion('maven', version, 'empty');
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.') {
      list.items.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      list.items.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
      list.items.push(sub);
      list = sub;
      stack.push(sub);
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        // Maven 3.8: `.X1` is treated as `-X1` (a qualifier opens a sub-list unless it starts one).
        if (list.items.length > 0) {
          const q: Item & { kind: 'list' } = { kind: 'list', items: [] };
          list.items.push(q);
          list = q;
          stack.push(q);
        }
        list.items.push(strItem(v.slice(start, i), true));
        start = i;
        const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
        list.items.push(sub);
        list = sub;
        stack.push(sub);
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
        list.items.push(sub);
        list = sub;
        stack.push(sub);
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // Maven 3.8: a trailing `.X` string qualifier is treated as `-X` (1.0.0.X1 < 1.0.0-X2).
    if (!isDigit && list.items.length > 0) {
      const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
      list.items.push(sub);
      list = sub;
      stack.push(sub);
    }
    list.items.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!.items);
  return root;
}

function cmp(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -cmp(b, undefined);
  if (b === undefined) {
    if (a.kind === 'int') return a.value === 0n ? 0 : 1;
    if (a.kind === 'str') return compareStr(comparable(a.value), RELEASE_INDEX);
    // MNG-6964: the whole list is compared with null, not just its first item.
    for (const it of a.items) {
      const c = cmp(it, undefined);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (a.kind === 'int') {
    if (b.kind === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    return 1;
  }
  if (a.kind === 'str') {
    if (b.kind === 'str') return compareStr(comparable(a.value), comparable(b.value));
    return -1;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const c = l === undefined ? (r === undefined ? 0 : -cmp(r, undefined)) : cmp(l, r);
    if (c !== 0) return c;
  }
  return 0;
}

function compareStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareMaven(a: string, b: string): number {
  return sign(cmp(parseMaven(a), parseMaven(b)));
}

export const mavenScheme: VersionScheme = { id: 'maven', parse: parseMaven, tryParse: (v) => tryOr(() => parseMaven(v)), compare: compareMaven };
