/**
 * PEP 440 versions parsed into exact sort keys (digit strings, never floats): the public version
 * scheme's grammar and normalisation (alpha → a, beta → b, c/pre/preview → rc, rev/r → post,
 * `1.0-1` → post 1, local labels split on `-_.`), ordered as Python's packaging orders them.
 */
import { compareDigits, isDigits, stripZeros } from './digits.js';

const RE = /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE: Record<string, string> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

export interface Pep440Key {
  epoch: string;
  release: string[];
  /** [letter, number]; absent. */
  pre: [string, string] | undefined;
  post: string | undefined;
  dev: string | undefined;
  local: string[] | undefined;
}

export function parsePep440Key(v: string): Pep440Key | undefined {
  const m = RE.exec(v);
  if (!m) return undefined;
  const release = m[2]!.split('.').map(stripZeros);
  while (release.length > 1 && release[release.length - 1] === '0') release.pop();
  return {
    epoch: stripZeros(m[1] ?? '0'),
    release,
    pre: m[3] ? [PRE[m[3].toLowerCase()]!, m[4] ?? '0'] : undefined,
    post: m[5] ?? (m[6] ? (m[7] ?? '0') : undefined),
    dev: m[8] ? (m[9] ?? '0') : undefined,
    local: m[10] ? m[10].toLowerCase().split(/[-_.]/) : undefined,
  };
}

/** -1, 0, 1 with `undefined` meaning "absent", placed at `absent` (-1: before all, 1: after all). */
function opt<T>(a: T | undefined, b: T | undefined, absent: -1 | 1, cmp: (x: T, y: T) => number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? absent : -absent;
  return cmp(a, b);
}

function compareLocal(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isDigits(x);
    const yn = isDigits(y);
    const c = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function comparePep440Keys(x: Pep440Key, y: Pep440Key): number {
  const e = compareDigits(x.epoch, y.epoch);
  if (e !== 0) return e;
  for (let i = 0; i < Math.max(x.release.length, y.release.length); i++) {
    const c = compareDigits(x.release[i] ?? '0', y.release[i] ?? '0');
    if (c !== 0) return c;
  }
  // A dev release without pre or post sorts before every pre-release of the same version.
  const preAbsent = (k: Pep440Key): -1 | 1 => (k.pre === undefined && k.post === undefined && k.dev !== undefined ? -1 : 1);
  if (x.pre === undefined || y.pre === undefined) {
    const px = x.pre === undefined ? preAbsent(x) : 0;
    const py = y.pre === undefined ? preAbsent(y) : 0;
    if (px !== py) return px < py ? -1 : 1;
  } else {
    const c = (x.pre[0] < y.pre[0] ? -1 : x.pre[0] > y.pre[0] ? 1 : 0) || compareDigits(x.pre[1], y.pre[1]);
    if (c !== 0) return c;
  }
  return opt(x.post, y.post, -1, compareDigits) || opt(x.dev, y.dev, 1, compareDigits) || opt(x.local, y.local, -1, compareLocal);
}
