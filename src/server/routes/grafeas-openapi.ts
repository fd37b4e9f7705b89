/** The /v1 part of /openapi.json (OpenAPI 3.1), generated from the Grafeas route table. */
import {
  KINDS,
  KIND_NAMES,
  NOTE_DETAIL_FIELDS,
  OCCURRENCE_DETAIL_FIELDS,
  MAX_PAGE_SIZE,
} from '../../metadata/index.js';
import { GRAFEAS_SEVERITIES } from '../../core/index.js';
import type { OpenApiPart } from '../context.js';
import { ROUTES } from './grafeas-table.js';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const details = { type: 'object', additionalProperties: true };

const PARAMS: Record<string, Json> = {
  filter: {
    name: 'filter',
    in: 'query',
    schema: str,
    description: 'AIP-160 filter, e.g. kind="VULNERABILITY" AND resourceUri="…"',
  },
  pageSize: {
    name: 'pageSize',
    in: 'query',
    schema: { type: 'integer', minimum: 0, maximum: MAX_PAGE_SIZE, default: 20 },
  },
  pageToken: {
    name: 'pageToken',
    in: 'query',
    schema: str,
    description: 'nextPageToken of the previous page',
  },
  noteId: { name: 'noteId', in: 'query', required: true, schema: str },
  updateMask: {
    name: 'updateMask',
    in: 'query',
    schema: str,
    description: 'Comma-separated field paths; absent: replace',
  },
};

function schemas(): Json {
  const envelope = {
    type: 'object',
    properties: {
      payload: { type: 'string', format: 'byte' },
      payloadType: str,
      signatures: {
        type: 'array',
        items: { type: 'object', properties: { sig: { type: 'string', format: 'byte' }, keyid: str } },
      },
    },
  };
  const kind = { type: 'string', enum: ['NOTE_KIND_UNSPECIFIED', ...KIND_NAMES] };
  return {
    Note: {
      type: 'object',
      description: `Exactly one details field, matching kind: ${KINDS.map((k) => `${k.kind} → ${k.noteField}`).join(', ')}.`,
      properties: {
        name: { ...str, readOnly: true },
        shortDescription: str,
        longDescription: str,
        kind,
        relatedUrl: { type: 'array', items: { type: 'object', properties: { url: str, label: str } } },
        expirationTime: time,
        createTime: { ...time, readOnly: true },
        updateTime: { ...time, readOnly: true },
        relatedNoteNames: { type: 'array', items: str },
        ...Object.fromEntries(NOTE_DETAIL_FIELDS.map((f) => [f, details])),
      },
      additionalProperties: false,
    },
    Occurrence: {
      type: 'object',
      required: ['resourceUri', 'noteName'],
      description: `One details field, matching kind: ${KINDS.filter((k) => k.occurrenceField)
        .map((k) => `${k.kind} → ${k.occurrenceField}`)
        .join(', ')}.`,
      properties: {
        name: { ...str, readOnly: true },
        resourceUri: str,
        noteName: str,
        kind,
        remediation: str,
        createTime: { ...time, readOnly: true },
        updateTime: { ...time, readOnly: true },
        envelope,
        ...Object.fromEntries(OCCURRENCE_DETAIL_FIELDS.map((f) => [f, details])),
      },
      additionalProperties: false,
    },
    ListNotesResponse: {
      type: 'object',
      properties: { notes: { type: 'array', items: ref('Note') }, nextPageToken: str },
    },
    ListOccurrencesResponse: {
      type: 'object',
      properties: { occurrences: { type: 'array', items: ref('Occurrence') }, nextPageToken: str },
    },
    ListNoteOccurrencesResponse: {
      type: 'object',
      properties: { occurrences: { type: 'array', items: ref('Occurrence') }, nextPageToken: str },
    },
    BatchCreateNotesRequest: {
      type: 'object',
      required: ['notes'],
      properties: { notes: { type: 'object', additionalProperties: ref('Note'), maxProperties: 1000 } },
    },
    BatchCreateNotesResponse: {
      type: 'object',
      properties: { notes: { type: 'array', items: ref('Note') } },
    },
    BatchCreateOccurrencesRequest: {
      type: 'object',
      required: ['occurrences'],
      properties: { occurrences: { type: 'array', items: ref('Occurrence'), maxItems: 1000 } },
    },
    ReplaceScanRequest: {
      type: 'object',
      description:
        'Portcullis extension. Occurrences default to resourceUri; notes are created in notesProject when missing, never updated.',
      required: ['resourceUri'],
      properties: {
        resourceUri: str,
        notesProject: {
          ...str,
          description:
            'Provider project of the notes (default: {project}). The replace deletes occurrences attached to its notes.',
        },
        kinds: {
          type: 'array',
          items: str,
          description: 'Kinds replaced (default DISCOVERY, PACKAGE, VULNERABILITY).',
        },
        notes: { type: 'object', additionalProperties: ref('Note') },
        occurrences: { type: 'array', items: ref('Occurrence'), maxItems: 20000 },
      },
      additionalProperties: false,
    },
    ReplaceScanResponse: {
      type: 'object',
      properties: {
        resourceUri: str,
        notesProject: str,
        kinds: { type: 'array', items: str },
        deletedCount: { type: 'integer' },
        createdCount: { type: 'integer' },
        notesCreatedCount: { type: 'integer' },
      },
    },
    BatchCreateOccurrencesResponse: {
      type: 'object',
      properties: { occurrences: { type: 'array', items: ref('Occurrence') } },
    },
    VulnerabilityOccurrencesSummary: {
      type: 'object',
      properties: {
        counts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              resourceUri: str,
              severity: { type: 'string', enum: [...GRAFEAS_SEVERITIES] },
              fixableCount: { type: 'string', format: 'int64' },
              totalCount: { type: 'string', format: 'int64' },
            },
          },
        },
      },
    },
    Empty: { type: 'object' },
    Status: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: {
            code: { type: 'integer' },
            message: str,
            status: str,
            details: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  };
}

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: ref('Status') } } };
}

/** Every Grafeas route under both parents, and the schemas they use. */
export function grafeasOpenApi(): OpenApiPart {
  const paths: Record<string, Json> = {};
  for (const prefix of ['/v1/projects/{project}', '/v1/projects/{project}/locations/{location}']) {
    for (const r of ROUTES) {
      const path = `${prefix}/${r.shape}`;
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: str,
      }));
      const op: Json = {
        operationId: prefix.includes('locations') ? `${r.rpc}InLocation` : r.rpc,
        summary: r.summary,
        description: `Needs the ${r.role} role on {project}.`,
        parameters: [...pathParams, ...r.params.map((p) => PARAMS[p])],
        responses: {
          200: { description: 'OK', content: { 'application/json': { schema: ref(r.response) } } },
          400: errorResponse('INVALID_ARGUMENT'),
          401: errorResponse('UNAUTHENTICATED'),
          403: errorResponse('PERMISSION_DENIED'),
          404: errorResponse('NOT_FOUND'),
          ...(r.write ? { 409: errorResponse('ALREADY_EXISTS') } : {}),
          429: errorResponse('RESOURCE_EXHAUSTED'),
        },
      };
      if (r.request)
        op.requestBody = { required: true, content: { 'application/json': { schema: ref(r.request) } } };
      paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
    }
  }
  return { paths, schemas: schemas() };
}
