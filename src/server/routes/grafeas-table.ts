/**
 * The Grafeas v1 REST routes (the `google.api.http` bindings of proto/v1/grafeas.proto), as one
 * table: path shape, verb, the role a caller needs on the path's project, and the service call.
 * The same table drives dispatch, authorisation, metrics labels, the audit action names and
 * /openapi.json. Every route exists under `projects/{project}` and
 * `projects/{project}/locations/{location}`.
 */
import type { Kysely } from 'kysely';
import { PortcullisError } from '../../core/index.js';
import * as svc from '../../metadata/index.js';
import { formatParent, isValidId, tryParseName, type Parent, type ResourceName } from '../../metadata/index.js';
import type { Database } from '../../store/index.js';
import { allows, type Principal, type Role } from '../tokens.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteContext {
  db: Kysely<Database>;
  parent: Parent;
  /** The note or occurrence of `{id}` shapes. */
  name?: ResourceName;
  query: (key: string) => string | undefined;
  body: () => Promise<unknown>;
  principal: Principal;
  write: svc.WriteContext;
}

export interface RouteDef {
  /** The Grafeas RPC. */
  rpc: string;
  /** Audit and log name. */
  action: string;
  method: HttpMethod;
  /** Path after the parent: `notes`, `notes/{note}`, `notes:batchCreate`, `occurrences/{occurrence}/notes`, … */
  shape: string;
  role: Role;
  write: boolean;
  /** Query parameters (lowerCamelCase; snake_case accepted too). */
  params: readonly string[];
  /** Schema names for /openapi.json. */
  request?: string;
  response: string;
  summary: string;
  handle(c: RouteContext): Promise<unknown>;
}

const LIST_PARAMS = ['filter', 'pageSize', 'pageToken'] as const;

function listOpts(c: RouteContext): svc.ListOptions {
  const o: svc.ListOptions = {};
  const filter = c.query('filter');
  const pageSize = c.query('pageSize');
  const pageToken = c.query('pageToken');
  if (filter !== undefined) o.filter = filter;
  if (pageSize !== undefined) o.pageSize = pageSize;
  if (pageToken !== undefined) o.pageToken = pageToken;
  return o;
}

export const ROUTES: readonly RouteDef[] = [
  {
    rpc: 'ListNotes',
    action: 'notes.list',
    method: 'GET',
    shape: 'notes',
    role: 'viewer',
    write: false,
    params: LIST_PARAMS,
    response: 'ListNotesResponse',
    summary: 'Lists notes of the project.',
    handle: (c) => svc.listNotes(c.db, c.parent, listOpts(c)),
  },
  {
    rpc: 'CreateNote',
    action: 'notes.create',
    method: 'POST',
    shape: 'notes',
    role: 'writer',
    write: true,
    params: ['noteId'],
    request: 'Note',
    response: 'Note',
    summary: 'Creates a note with the id of `noteId`.',
    handle: async (c) => svc.createNote(c.db, c.parent, c.query('noteId'), await c.body(), c.write),
  },
  {
    rpc: 'BatchCreateNotes',
    action: 'notes.batchCreate',
    method: 'POST',
    shape: 'notes:batchCreate',
    role: 'writer',
    write: true,
    params: [],
    request: 'BatchCreateNotesRequest',
    response: 'BatchCreateNotesResponse',
    summary: 'Creates up to 1000 notes, all or none.',
    handle: async (c) => svc.batchCreateNotes(c.db, c.parent, await c.body(), c.write),
  },
  {
    rpc: 'GetNote',
    action: 'notes.get',
    method: 'GET',
    shape: 'notes/{note}',
    role: 'viewer',
    write: false,
    params: [],
    response: 'Note',
    summary: 'Gets a note.',
    handle: (c) => svc.getNote(c.db, c.name!),
  },
  {
    rpc: 'UpdateNote',
    action: 'notes.update',
    method: 'PATCH',
    shape: 'notes/{note}',
    role: 'writer',
    write: true,
    params: ['updateMask'],
    request: 'Note',
    response: 'Note',
    summary: 'Updates a note: the fields of `updateMask`, or all of it.',
    handle: async (c) => svc.updateNote(c.db, c.name!, await c.body(), c.query('updateMask'), c.write),
  },
  {
    rpc: 'DeleteNote',
    action: 'notes.delete',
    method: 'DELETE',
    shape: 'notes/{note}',
    role: 'writer',
    write: true,
    params: [],
    response: 'Empty',
    summary: 'Deletes a note.',
    handle: async (c) => (await svc.deleteNote(c.db, c.name!, c.write), {}),
  },
  {
    rpc: 'ListNoteOccurrences',
    action: 'notes.listOccurrences',
    method: 'GET',
    shape: 'notes/{note}/occurrences',
    role: 'viewer',
    write: false,
    params: LIST_PARAMS,
    response: 'ListNoteOccurrencesResponse',
    summary: 'Lists the occurrences of a note, across the projects the caller may read.',
    handle: (c) => svc.listNoteOccurrences(c.db, c.name!, { ...listOpts(c), projects: c.principal.projects }),
  },
  {
    rpc: 'ListOccurrences',
    action: 'occurrences.list',
    method: 'GET',
    shape: 'occurrences',
    role: 'viewer',
    write: false,
    params: LIST_PARAMS,
    response: 'ListOccurrencesResponse',
    summary: 'Lists occurrences of the project.',
    handle: (c) => svc.listOccurrences(c.db, c.parent, listOpts(c)),
  },
  {
    rpc: 'CreateOccurrence',
    action: 'occurrences.create',
    method: 'POST',
    shape: 'occurrences',
    role: 'writer',
    write: true,
    params: [],
    request: 'Occurrence',
    response: 'Occurrence',
    summary: 'Creates an occurrence; its note must exist.',
    handle: async (c) => svc.createOccurrence(c.db, c.parent, await c.body(), c.write),
  },
  {
    rpc: 'BatchCreateOccurrences',
    action: 'occurrences.batchCreate',
    method: 'POST',
    shape: 'occurrences:batchCreate',
    role: 'writer',
    write: true,
    params: [],
    request: 'BatchCreateOccurrencesRequest',
    response: 'BatchCreateOccurrencesResponse',
    summary: 'Creates up to 1000 occurrences, all or none.',
    handle: async (c) => svc.batchCreateOccurrences(c.db, c.parent, await c.body(), c.write),
  },
  {
    rpc: 'ReplaceScan',
    action: 'occurrences.replaceScan',
    method: 'POST',
    shape: 'occurrences:replaceScan',
    role: 'writer',
    write: true,
    params: [],
    request: 'ReplaceScanRequest',
    response: 'ReplaceScanResponse',
    summary:
      'Portcullis extension (not Grafeas): replaces the scan occurrences of one resource, creating missing notes, in one transaction.',
    handle: async (c) => svc.replaceScan(c.db, c.parent, await c.body(), c.write),
  },
  {
    rpc: 'GetVulnerabilityOccurrencesSummary',
    action: 'occurrences.vulnerabilitySummary',
    method: 'GET',
    shape: 'occurrences:vulnerabilitySummary',
    role: 'viewer',
    write: false,
    params: ['filter'],
    response: 'VulnerabilityOccurrencesSummary',
    summary: 'Counts vulnerability occurrences per resource and severity, and how many are fixable.',
    handle: (c) => {
      const filter = c.query('filter');
      return svc.vulnerabilitySummary(c.db, c.parent, filter === undefined ? {} : { filter });
    },
  },
  {
    rpc: 'GetOccurrence',
    action: 'occurrences.get',
    method: 'GET',
    shape: 'occurrences/{occurrence}',
    role: 'viewer',
    write: false,
    params: [],
    response: 'Occurrence',
    summary: 'Gets an occurrence.',
    handle: (c) => svc.getOccurrence(c.db, c.name!),
  },
  {
    rpc: 'UpdateOccurrence',
    action: 'occurrences.update',
    method: 'PATCH',
    shape: 'occurrences/{occurrence}',
    role: 'writer',
    write: true,
    params: ['updateMask'],
    request: 'Occurrence',
    response: 'Occurrence',
    summary: 'Updates an occurrence: the fields of `updateMask`, or all of it.',
    handle: async (c) => svc.updateOccurrence(c.db, c.name!, await c.body(), c.query('updateMask'), c.write),
  },
  {
    rpc: 'DeleteOccurrence',
    action: 'occurrences.delete',
    method: 'DELETE',
    shape: 'occurrences/{occurrence}',
    role: 'writer',
    write: true,
    params: [],
    response: 'Empty',
    summary: 'Deletes an occurrence.',
    handle: async (c) => (await svc.deleteOccurrence(c.db, c.name!, c.write), {}),
  },
  {
    rpc: 'GetOccurrenceNote',
    action: 'occurrences.getNote',
    method: 'GET',
    shape: 'occurrences/{occurrence}/notes',
    role: 'viewer',
    write: false,
    params: [],
    response: 'Note',
    summary: 'Gets the note an occurrence is attached to (possibly of another project).',
    handle: (c) => svc.getOccurrenceNote(c.db, c.name!),
  },
];

const PATH =
  /^projects\/([^/:]+)(?:\/locations\/([^/:]+))?\/(notes|occurrences)(?::([A-Za-z]+)|\/([^/:]+)(?:\/(notes|occurrences))?)?$/;

export interface MatchedPath {
  parent: Parent;
  shape: string;
  name?: ResourceName;
  /** The metrics label: the shape with the parent abstracted. */
  template: string;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '\u0000';
  }
}

/** Parses the path after `/v1/`; undefined when it is not a Grafeas path. */
export function matchPath(path: string): MatchedPath | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  const [, project, location, collection, verb, id, sub] = m;
  const parent: Parent = { project: decode(project!), location: location ? decode(location) : '' };
  if (!isValidId(parent.project))
    throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid project "${parent.project}"` });
  if (location && !isValidId(parent.location))
    throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid location "${parent.location}"` });
  const single = collection === 'notes' ? 'note' : 'occurrence';
  const shape = verb
    ? `${collection}:${verb}`
    : id
      ? `${collection}/{${single}}${sub ? `/${sub}` : ''}`
      : collection!;
  const template = `/v1/projects/{project}${location ? '/locations/{location}' : ''}/${shape}`;
  if (id === undefined) return { parent, shape, template };
  const name = tryParseName(
    `${formatParent(parent)}/${collection}/${decode(id)}`,
    collection as 'notes' | 'occurrences',
  );
  if (!name)
    throw new PortcullisError({ code: 'METADATA_INVALID', message: `Invalid ${single} id "${decode(id)}"` });
  return { parent, shape, name, template };
}

export function findRoute(method: string, shape: string): { route?: RouteDef; allowed: HttpMethod[] } {
  const same = ROUTES.filter((r) => r.shape === shape);
  return { route: same.find((r) => r.method === method), allowed: same.map((r) => r.method) };
}

/** Whether the principal may call the route on the path's project. */
export function authorizeRoute(p: Principal, route: RouteDef, parent: Parent): boolean {
  return allows(p, parent.project, route.role);
}
