/**
 * in-toto Statements (https://github.com/in-toto/attestation, spec v1) about an image, and the
 * predicate short names cosign accepts for `--type`, with cosign's handling of each predicate:
 * most are embedded as JSON; `spdx` is embedded as a string (use `spdxjson` for JSON), and
 * `custom` wraps the file as `{"Data": "<text>", "Timestamp": "<RFC 3339>"}`.
 */
import { PortcullisError } from '../core/index.js';

export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** What cosign writes; accepted when reading. */
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

export type PredicateEncoding = 'json' | 'string' | 'cosign-custom';

export interface PredicateKind {
  /** The short name for `--type`. */
  name: string;
  uri: string;
  encoding: PredicateEncoding;
}

/** cosign's `--type` names (cmd/cosign/cli/options/predicate.go) and how each predicate is embedded. */
export const PREDICATE_KINDS: readonly PredicateKind[] = [
  { name: 'custom', uri: 'https://cosign.sigstore.dev/attestation/v1', encoding: 'cosign-custom' },
  { name: 'slsaprovenance', uri: 'https://slsa.dev/provenance/v0.2', encoding: 'json' },
  { name: 'slsaprovenance02', uri: 'https://slsa.dev/provenance/v0.2', encoding: 'json' },
  { name: 'slsaprovenance1', uri: 'https://slsa.dev/provenance/v1', encoding: 'json' },
  { name: 'spdx', uri: 'https://spdx.dev/Document', encoding: 'string' },
  { name: 'spdxjson', uri: 'https://spdx.dev/Document', encoding: 'json' },
  { name: 'cyclonedx', uri: 'https://cyclonedx.org/bom', encoding: 'json' },
  { name: 'link', uri: 'https://in-toto.io/Link/v1', encoding: 'json' },
  { name: 'vuln', uri: 'https://cosign.sigstore.dev/attestation/vuln/v1', encoding: 'json' },
  { name: 'openvex', uri: 'https://openvex.dev/ns', encoding: 'json' },
];

/** Resolves a `--type` value (short name or absolute URI) to its predicate kind. */
export function resolvePredicateType(type: string): PredicateKind {
  const known = PREDICATE_KINDS.find((k) => k.name === type);
  if (known) return known;
  let url: URL | undefined;
  try {
    url = new URL(type);
  } catch {
    url = undefined;
  }
  if (!url || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) {
    throw new PortcullisError({ code: 'USAGE', message: `Invalid predicate type "${type}"`, hint: `Use one of ${PREDICATE_KINDS.map((k) => k.name).join(', ')} or an absolute URI.` });
  }
  return { name: type, uri: type, encoding: 'json' };
}

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: string;
  subject: Subject[];
  predicateType: string;
  predicate: unknown;
}

/** Builds the predicate value from the predicate file's bytes, as cosign does for its kind. */
export function predicateValue(kind: PredicateKind, bytes: Buffer, now: () => Date = () => new Date()): unknown {
  const text = bytes.toString('utf8');
  switch (kind.encoding) {
    case 'string':
      return text;
    case 'cosign-custom':
      return { Data: text, Timestamp: now().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    case 'json':
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new PortcullisError({ code: 'USAGE', message: `The predicate for type "${kind.name}" is not JSON: ${(err as Error).message}`, hint: 'Pass a JSON predicate file, or --type custom for arbitrary text.' });
      }
  }
}

/** A Statement v1 about one image (`subject.name` is the repository, as cosign writes it). */
export function buildStatement(opts: { subjectName: string; manifestDigest: string; kind: PredicateKind; predicate: unknown }): Statement {
  const [alg, hex] = opts.manifestDigest.split(':') as [string, string];
  return { _type: STATEMENT_V1, subject: [{ name: opts.subjectName, digest: { [alg]: hex } }], predicateType: opts.kind.uri, predicate: opts.predicate };
}

function invalid(why: string): never {
  throw new PortcullisError({ code: 'PAYLOAD_INVALID', message: `Invalid in-toto statement: ${why}`, hint: 'The attestation is malformed or was tampered with.' });
}

/** Parses a Statement (v1 or v0.1); throws PAYLOAD_INVALID. */
export function parseStatement(bytes: Buffer): Statement {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return invalid(`not JSON (${(err as Error).message})`);
  }
  const d = doc as Partial<Statement>;
  if (typeof d !== 'object' || d === null) invalid('not a JSON object');
  if (d._type !== STATEMENT_V1 && d._type !== STATEMENT_V01) invalid(`unknown _type "${String(d._type)}"`);
  if (typeof d.predicateType !== 'string' || d.predicateType === '') invalid('missing predicateType');
  if (!Array.isArray(d.subject) || d.subject.length === 0) invalid('no subject');
  for (const s of d.subject) {
    if (typeof s !== 'object' || s === null || typeof s.digest !== 'object' || s.digest === null) invalid('a subject has no digest');
    for (const v of Object.values(s.digest)) if (typeof v !== 'string') invalid('a subject digest is not a string');
  }
  return { _type: d._type, subject: d.subject, predicateType: d.predicateType, predicate: d.predicate };
}

/** Whether a statement names the image digest (`sha256:<hex>`) among its subjects. */
export function statementCoversDigest(st: Statement, manifestDigest: string): boolean {
  const [alg, hex] = manifestDigest.split(':') as [string, string];
  return st.subject.some((s) => s.digest[alg]?.toLowerCase() === hex);
}
