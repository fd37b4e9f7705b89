/**
 * Grafeas resource names: `projects/{project}[/locations/{location}]/notes/{note}` and
 * `.../occurrences/{occurrence}`. A location-scoped resource is distinct from a global one of
 * the same id; authorisation is by project either way.
 */
import { PortcullisError } from '../core/index.js';

/** A project (and location; '' for the global one) that owns notes and occurrences. */
export interface Parent {
  project: string;
  location: string;
}

export interface ResourceName extends Parent {
  collection: 'notes' | 'occurrences';
  id: string;
}

/** Ids are single path segments; `:` is reserved for custom verbs such as `:batchCreate`. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/;

export function isValidId(id: string): boolean {
  return SEGMENT.test(id);
}

export function checkId(what: string, id: string): string {
  if (!isValidId(id)) throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid ${what} "${id}"`, hint: 'Use 1–255 letters, digits, ".", "_", "~" or "-", starting with a letter or digit.' });
  return id;
}

export function formatParent(p: Parent): string {
  return p.location ? `projects/${p.project}/locations/${p.location}` : `projects/${p.project}`;
}

export function formatName(n: ResourceName): string {
  return `${formatParent(n)}/${n.collection}/${n.id}`;
}

/** Parses `projects/P[/locations/L]/{collection}/ID`; undefined when it is not one. */
export function tryParseName(name: string, collection: ResourceName['collection']): ResourceName | undefined {
  const parts = name.split('/');
  let parent: Parent;
  let rest: string[];
  if (parts.length === 4 && parts[0] === 'projects') {
    parent = { project: parts[1]!, location: '' };
    rest = parts.slice(2);
  } else if (parts.length === 6 && parts[0] === 'projects' && parts[2] === 'locations') {
    parent = { project: parts[1]!, location: parts[3]! };
    rest = parts.slice(4);
  } else return undefined;
  if (rest[0] !== collection || !isValidId(parent.project) || (parent.location && !isValidId(parent.location)) || !isValidId(rest[1]!)) return undefined;
  return { ...parent, collection, id: rest[1]! };
}

export function parseName(name: string, collection: ResourceName['collection']): ResourceName {
  const n = tryParseName(name, collection);
  if (!n) throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid ${collection === 'notes' ? 'note' : 'occurrence'} name "${name}"`, hint: `Expected projects/PROJECT/${collection}/ID (optionally with /locations/LOCATION after the project).` });
  return n;
}
