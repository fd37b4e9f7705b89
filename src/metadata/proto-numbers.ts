import { isRecord } from '../core/index.js';
/**
 * proto3 JSON accepts a number given as a string for float, double and integer fields ("7.5",
 * "1e1", "-2"). The numeric fields the server checks (src/metadata/schema.ts) are turned into
 * numbers here, before validation, so they are stored, returned and filtered as numbers. A string
 * that is not a finite number is left alone, and the schema refuses it naming the field. Works on
 * a copy along the given paths only, so every other value (free-form maps, `__proto__` keys)
 * stays exactly as sent.
 */

const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function asNumber(v: unknown): unknown {
  if (typeof v !== 'string' || !NUMBER_TEXT.test(v)) return v;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

const CVSS = ['baseScore', 'exploitabilityScore', 'impactScore'];
const cvssPaths = (root: string[], fields: string[]) => fields.flatMap((f) => CVSS.map((k) => [...root, f, k]));
const versionEpochs = (root: string[], fields: string[]) => fields.map((f) => [...root, f, 'epoch']);

/** Paths (`*`: every element of an array) of the numeric fields of a Note. */
export const NOTE_NUMBER_PATHS: readonly string[][] = [
  ['vulnerability', 'cvssScore'],
  ...cvssPaths(['vulnerability'], ['cvssV3', 'cvssV2']),
  ...versionEpochs(['vulnerability', 'details', '*'], ['affectedVersionStart', 'affectedVersionEnd', 'fixedVersion']),
];

/** Paths of the numeric fields of an Occurrence. */
export const OCCURRENCE_NUMBER_PATHS: readonly string[][] = [
  ['vulnerability', 'cvssScore'],
  ...cvssPaths(['vulnerability'], ['cvssv3', 'cvssV2']),
  ...versionEpochs(['vulnerability', 'packageIssue', '*'], ['affectedVersion', 'fixedVersion']),
];

function copyOf(v: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] {
  if (Array.isArray(v)) return [...v];
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: v[k], enumerable: true, writable: true, configurable: true });
  return out;
}

function convertAt(node: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return asNumber(node);
  const [head, ...rest] = path;
  if (head === '*') {
    if (!Array.isArray(node)) return node;
    return node.map((e) => convertAt(e, rest));
  }
  if (!isRecord(node) || !Object.hasOwn(node, head!)) return node;
  const next = convertAt(node[head!], rest);
  if (next === node[head!]) return node;
  const out = copyOf(node) as Record<string, unknown>;
  out[head!] = next;
  return out;
}

/** `obj` with the numeric strings at `paths` turned into numbers (a new object where changed). */
export function numbersFromText<T>(obj: T, paths: readonly (readonly string[])[]): T {
  let out: unknown = obj;
  for (const p of paths) out = convertAt(out, p);
  return out as T;
}
