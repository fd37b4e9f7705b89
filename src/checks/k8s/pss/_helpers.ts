/** Small shared pieces of the controls: message formatting and container visiting. */
import type { ContainerLike, FieldPath, PodSpecLike, PssVersion } from './types.js';
import { isRecord } from '../../../core/index.js';

export const v = (minor: number): PssVersion => ({ major: 1, minor });

/** `"a", "b"` — quoted and comma-joined, as the admission controller prints names. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's `%q` of a string, close enough for profile names and annotation values. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export const ALLOWED = { allowed: true } as const;

export function asArray(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string {
  return typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x);
}

export interface VisitedContainer {
  container: ContainerLike;
  name: string;
  path: FieldPath;
}

const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container of the pod: init containers, containers, ephemeral containers — in that order. */
export function containersOf(spec: PodSpecLike): VisitedContainer[] {
  const out: VisitedContainer[] = [];
  for (const field of CONTAINER_FIELDS) {
    asArray(spec[field]).forEach((c, i) => {
      if (isRecord(c)) out.push({ container: c as ContainerLike, name: str(c.name), path: ['spec', field, i] });
    });
  }
  return out;
}

/** Sorted unique strings (Go `sets.String.List()`). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `spec.os.name == "windows"`: the restricted Linux-only controls do not apply from v1.25. */
export function isWindowsPod(spec: PodSpecLike): boolean {
  return isRecord(spec.os) && spec.os.name === 'windows';
}

/** `spec.hostUsers == false`: a pod in a user namespace. */
export function isUserNamespacePod(spec: PodSpecLike): boolean {
  return spec.hostUsers === false;
}
