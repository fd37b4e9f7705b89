/**
 * What PostgreSQL `text` and `jsonb` cannot hold: the NUL character (U+0000; jsonb refuses
 * `\u0000` too) and unpaired UTF-16 surrogates, which have no UTF-8 encoding. And a nesting-depth
 * limit for JSON, checked by an iterative walk, so the recursive code after `JSON.parse` (key
 * normalisation, schema checks, serialisation) never overflows the stack. Pure functions: the HTTP
 * layer (src/server/middleware/input-guard.ts) and the filter parser call them.
 */
import { PortcullisError } from '../core/index.js';

/** Deepest nesting of objects and arrays a request body may have (the top-level object is 1). */
export const MAX_JSON_DEPTH = 64;

/** Why `s` cannot be stored as PostgreSQL text, or undefined when it can. */
export function unstorableReason(s: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
  if (!/[\u0000\ud800-\udfff]/.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return `a NUL character (\\u0000) at position ${i + 1}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff)
      return `a lone UTF-16 surrogate (\\u${c.toString(16)}) at position ${i + 1}`;
  }
  return undefined;
}

function textError(where: string, why: string): PortcullisError {
  return new PortcullisError({
    code: 'TEXT_INVALID',
    message: `${where} contains ${why}, which cannot be stored`,
    hint: 'Text must be valid Unicode without NUL characters; send binary data as base64.',
  });
}

/** Throws TEXT_INVALID naming `where` (e.g. `Query parameter "filter"`) when `s` cannot be stored. */
export function checkStorable(where: string, s: string): string {
  const why = unstorableReason(s);
  if (why) throw textError(where, why);
  return s;
}

/** A field path for messages: `vulnerability.packageIssue[0].affectedPackage`. */
function showPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const shown = JSON.stringify(p).slice(1, -1); // escapes NUL and lone surrogates
      out += /^[A-Za-z_$][A-Za-z0-9_$@-]*$/.test(p) ? `${out ? '.' : ''}${shown}` : `["${shown}"]`;
    }
  }
  return out;
}

interface Frame {
  value: unknown;
  path: (string | number)[];
  depth: number;
}

/**
 * Walks a parsed JSON value without recursion: throws REQUEST_TOO_DEEP when objects and arrays
 * nest deeper than `maxDepth`, TEXT_INVALID at the first string or key PostgreSQL cannot store.
 * Messages name the field (`Field "vulnerability.shortDescription"`).
 */
export function checkJson(value: unknown, opts: { what?: string; maxDepth?: number } = {}): void {
  const what = opts.what ?? 'The request body';
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const name = (path: (string | number)[]) => (path.length ? `Field "${showPath(path)}"` : what);
  const stack: Frame[] = [{ value, path: [], depth: 0 }];
  while (stack.length) {
    const f = stack.pop()!;
    const v = f.value;
    if (typeof v === 'string') {
      const why = unstorableReason(v);
      if (why) throw textError(name(f.path), why);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = f.depth + 1;
    if (depth > maxDepth)
      throw new PortcullisError({
        code: 'REQUEST_TOO_DEEP',
        message: `${name(f.path.slice(0, 12))}${f.path.length > 12 ? ' (…)' : ''} nests objects and arrays deeper than ${maxDepth} levels`,
        hint: `Grafeas objects need far fewer; at most ${maxDepth} levels are accepted.`,
      });
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...f.path, i], depth });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const why = unstorableReason(k);
      if (why) throw textError(`A key of ${name(f.path)}`, why);
      stack.push({ value: (v as Record<string, unknown>)[k], path: [...f.path, k], depth });
    }
  }
}
