/**
 * Grafeas v1 `NoteKind` values and, for each, the field of `Note.type` and of
 * `Occurrence.details` that carries its details (proto/v1/grafeas.proto, common.proto).
 * One table: adding a kind is one row.
 */

export interface KindInfo {
  /** The `NoteKind` enum name. */
  kind: string;
  /** Its proto enum number (proto3 JSON accepts either). */
  number: number;
  /** lowerCamelCase field of the Note oneof `type`. */
  noteField: string;
  /** lowerCamelCase field of the Occurrence oneof `details`, when the kind has one. */
  occurrenceField?: string;
}

export const KINDS: readonly KindInfo[] = [
  { kind: 'VULNERABILITY', number: 1, noteField: 'vulnerability', occurrenceField: 'vulnerability' },
  { kind: 'BUILD', number: 2, noteField: 'build', occurrenceField: 'build' },
  { kind: 'IMAGE', number: 3, noteField: 'image', occurrenceField: 'image' },
  { kind: 'PACKAGE', number: 4, noteField: 'package', occurrenceField: 'package' },
  { kind: 'DEPLOYMENT', number: 5, noteField: 'deployment', occurrenceField: 'deployment' },
  { kind: 'DISCOVERY', number: 6, noteField: 'discovery', occurrenceField: 'discovery' },
  { kind: 'ATTESTATION', number: 7, noteField: 'attestation', occurrenceField: 'attestation' },
  { kind: 'UPGRADE', number: 8, noteField: 'upgrade', occurrenceField: 'upgrade' },
  { kind: 'COMPLIANCE', number: 9, noteField: 'compliance', occurrenceField: 'compliance' },
  { kind: 'DSSE_ATTESTATION', number: 10, noteField: 'dsseAttestation', occurrenceField: 'dsseAttestation' },
  // A VEX statement is a note; occurrences carry it as `vulnerability.vexAssessment`.
  { kind: 'VULNERABILITY_ASSESSMENT', number: 11, noteField: 'vulnerabilityAssessment' },
  { kind: 'SBOM_REFERENCE', number: 12, noteField: 'sbomReference', occurrenceField: 'sbomReference' },
];

export const KIND_NAMES: readonly string[] = KINDS.map((k) => k.kind);

const BY_NAME = new Map(KINDS.map((k) => [k.kind, k]));
const BY_NUMBER = new Map(KINDS.map((k) => [k.number, k]));

/** The kind named (or numbered) `value`, or undefined. */
export function tryKind(value: unknown): KindInfo | undefined {
  if (typeof value === 'string') return BY_NAME.get(value);
  if (typeof value === 'number') return BY_NUMBER.get(value);
  return undefined;
}

export const NOTE_DETAIL_FIELDS: readonly string[] = KINDS.map((k) => k.noteField);
export const OCCURRENCE_DETAIL_FIELDS: readonly string[] = KINDS.flatMap((k) => (k.occurrenceField ? [k.occurrenceField] : []));
