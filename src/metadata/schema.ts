/**
 * Input schemas of the Grafeas v1 API (after snake_case keys became lowerCamelCase): strict on
 * the top level of a Note or Occurrence, tolerant inside details, which are kept as given (jsonb)
 * so newer Grafeas fields survive a round trip.
 */
import { z } from 'zod';
import { GRAFEAS_SEVERITIES } from '../core/index.js';
import { NOTE_DETAIL_FIELDS, OCCURRENCE_DETAIL_FIELDS } from './kinds.js';

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** proto3 JSON `bytes`: standard or URL-safe base64, padding optional. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const timestamp = z.string().regex(RFC3339, 'expected an RFC 3339 timestamp such as "2024-05-01T12:00:00Z"');
const bytes = z.string().regex(BASE64, 'expected base64');
const details = z.record(z.string(), z.unknown());
const kind = z.union([z.string(), z.number().int()]);

const severity = z.enum(GRAFEAS_SEVERITIES);

// proto3 JSON numbers may arrive as strings: proto-numbers.ts turns those of the fields below
// into numbers before these checks, so a string left here is not a number.
const protoFloat = z.number({ error: 'expected a number, or a string of one such as "7.5"' }).finite();
const protoInt = z.number({ error: 'expected an integer, or a string of one such as "1"' }).int({ error: 'expected an integer, or a string of one such as "1"' });
/** grafeas.v1.CVSS and CVSSv3: the scores are floats; the rest is kept as given. */
const cvss = z.looseObject({ baseScore: protoFloat.optional(), exploitabilityScore: protoFloat.optional(), impactScore: protoFloat.optional() });

const relatedUrl = z.strictObject({ url: z.string().optional(), label: z.string().optional() });

/** DSSE envelope (grafeas.v1.Envelope, common.proto). */
export const envelopeSchema = z.strictObject({
  payload: bytes.optional(),
  payloadType: z.string().optional(),
  signatures: z.array(z.strictObject({ sig: bytes.optional(), keyid: z.string().optional() })).optional(),
});

const version = z.looseObject({ epoch: protoInt.optional(), name: z.string().optional(), revision: z.string().optional(), inclusive: z.boolean().optional(), kind: z.string().optional(), fullName: z.string().optional() });

const packageIssue = z.looseObject({
  affectedCpeUri: z.string().optional(),
  affectedPackage: z.string().optional(),
  affectedVersion: version.optional(),
  fixedCpeUri: z.string().optional(),
  fixedPackage: z.string().optional(),
  fixedVersion: version.optional(),
  fixAvailable: z.boolean().optional(),
  packageType: z.string().optional(),
  effectiveSeverity: severity.optional(),
  fileLocation: z.array(z.looseObject({ filePath: z.string().optional() })).optional(),
});

/** The fields of VulnerabilityOccurrence (vulnerability.proto) the service reads or that clients rely on. */
export const vulnerabilityOccurrenceSchema = z.looseObject({
  type: z.string().optional(),
  severity: severity.optional(),
  cvssScore: protoFloat.optional(),
  cvssv3: cvss.optional(),
  cvssV2: cvss.optional(),
  packageIssue: z.array(packageIssue).optional(),
  shortDescription: z.string().optional(),
  longDescription: z.string().optional(),
  relatedUrls: z.array(relatedUrl).optional(),
  effectiveSeverity: severity.optional(),
  fixAvailable: z.boolean().optional(),
  cvssVersion: z.string().optional(),
  vexAssessment: details.optional(),
  extraDetails: z.string().optional(),
});

export const vulnerabilityNoteSchema = z.looseObject({
  cvssScore: protoFloat.optional(),
  severity: severity.optional(),
  details: z.array(z.looseObject({ affectedVersionStart: version.optional(), affectedVersionEnd: version.optional(), fixedVersion: version.optional() })).optional(),
  cvssV3: cvss.optional(),
  cvssV2: cvss.optional(),
  cvssVersion: z.string().optional(),
  windowsDetails: z.array(details).optional(),
  sourceUpdateTime: timestamp.optional(),
});

export const dsseAttestationOccurrenceSchema = z.looseObject({ envelope: envelopeSchema.optional(), statement: details.optional() });

const outputOnly = { name: z.string().optional(), createTime: timestamp.optional(), updateTime: timestamp.optional() };

export const noteSchema = z.strictObject({
  ...outputOnly,
  shortDescription: z.string().optional(),
  longDescription: z.string().optional(),
  kind: kind.optional(),
  relatedUrl: z.array(relatedUrl).optional(),
  expirationTime: timestamp.optional(),
  relatedNoteNames: z.array(z.string()).optional(),
  ...Object.fromEntries(NOTE_DETAIL_FIELDS.map((f) => [f, details.optional()])),
});

export const occurrenceSchema = z.strictObject({
  ...outputOnly,
  resourceUri: z.string().optional(),
  noteName: z.string().optional(),
  kind: kind.optional(),
  remediation: z.string().optional(),
  envelope: envelopeSchema.optional(),
  ...Object.fromEntries(OCCURRENCE_DETAIL_FIELDS.map((f) => [f, details.optional()])),
});

/** Schemas of particular details fields, checked after the top level. */
export const NOTE_DETAIL_SCHEMAS: Record<string, z.ZodType> = { vulnerability: vulnerabilityNoteSchema };
export const OCCURRENCE_DETAIL_SCHEMAS: Record<string, z.ZodType> = { vulnerability: vulnerabilityOccurrenceSchema, dsseAttestation: dsseAttestationOccurrenceSchema };

/** `a.b[2].c: message` for the first few issues. */
export function formatIssues(err: z.ZodError, prefix = ''): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      const where = [prefix, path].filter(Boolean).join('.');
      return i.code === 'unrecognized_keys' ? `${where ? `${where}: ` : ''}unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : `${where || 'body'}: ${i.message}`;
    })
    .join('; ');
}
