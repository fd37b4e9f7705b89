/**
 * `sign|attest … --push URL`: the signature or attestation also recorded on a Portcullis/Grafeas
 * metadata server, as an ATTESTATION occurrence on the image's resource URI
 * (`https://REGISTRY/REPO@sha256:…`, as `scan --push` names it), so that policy and admission find
 * the evidence next to the scan:
 *
 *     note        projects/<notes project>/notes/portcullis-signatures (or portcullis-attestations),
 *                 kind ATTESTATION, attestation.hint.humanReadableName
 *     occurrence  kind ATTESTATION, attestation.serializedPayload = the signed bytes (simple-signing
 *                 payload, or the in-toto statement), attestation.signatures = [{signature,
 *                 publicKeyId}] (for DSSE: the signature over the PAE), envelope = the DSSE
 *                 envelope when there is one
 *
 * The note is created when missing (409 means it exists). An occurrence already recorded with the
 * same note, resource and payload is not recorded twice. The TLS trust of the server is set as for
 * `scan --push` (pinned fingerprint, CA file or insecure); requests go through src/http and its
 * one retry policy.
 */
import { PortcullisError, type Secret } from '../core/index.js';
import { createHttpClient, HttpNetworkError, type HttpClient, type TlsSettings } from '../http/index.js';

export const SIGNATURES_NOTE_ID = 'portcullis-signatures';
export const ATTESTATIONS_NOTE_ID = 'portcullis-attestations';

export interface RecordTarget {
  url: string;
  /** Bearer token; only `.reveal()`ed into the Authorization header. */
  token?: Secret;
  /** Project the occurrence is written to. */
  project: string;
  /** Project of the note (default: `project`). */
  notesProject?: string;
  tls?: TlsSettings;
  /** Headers and body timeouts in milliseconds; default 120 s. */
  timeoutMs?: number;
}

export interface AttestationEvidence {
  /** `https://REGISTRY/REPO@sha256:…` */
  resourceUri: string;
  purpose: 'signature' | 'attestation';
  /** The bytes that were signed (DSSE: the statement; the signature covers its PAE). */
  payload: Buffer;
  signature: Buffer;
  publicKeyId: string;
  envelope?: { payloadType: string; payload: string; signatures: { keyid?: string; sig: string }[] };
  predicateType?: string;
  /** Where it is stored in the registry, for the remediation text. */
  location: string;
}

export interface RecordResult {
  occurrence: string;
  noteName: string;
  resourceUri: string;
  /** False when the same evidence was already recorded. */
  created: boolean;
}

type Json = Record<string, unknown>;

/** The resource URI of an image in a registry, as `scan --push` writes it. */
export function imageResourceUri(registry: string, repository: string, digest: string): string {
  return `https://${registry}/${repository}@${digest}`;
}

/** The occurrence body for the evidence. */
export function attestationOccurrence(e: AttestationEvidence, noteName: string): Json {
  return {
    resourceUri: e.resourceUri,
    noteName,
    kind: 'ATTESTATION',
    remediation: `${e.purpose === 'signature' ? 'Signature' : `Attestation${e.predicateType ? ` (${e.predicateType})` : ''}`} stored at ${e.location}`,
    attestation: {
      serializedPayload: e.payload.toString('base64'),
      signatures: [{ signature: e.signature.toString('base64'), publicKeyId: e.publicKeyId }],
    },
    ...(e.envelope
      ? {
          envelope: {
            payload: e.envelope.payload,
            payloadType: e.envelope.payloadType,
            signatures: e.envelope.signatures.map((s) => ({ sig: s.sig, keyid: s.keyid ?? '' })),
          },
        }
      : {}),
  };
}

/** A response body as a JSON object; {} when empty or not JSON (the status then tells what happened). */
function jsonObject(text: string): Json {
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

async function call(
  http: HttpClient,
  base: URL,
  t: RecordTarget,
  req: { method: 'GET' | 'POST'; path: string; body?: Json; idempotent?: boolean; maxBytes?: number },
): Promise<{ status: number; json: Json }> {
  const target = new URL(`${base.pathname.replace(/\/$/, '')}${req.path}`, base);
  try {
    const res = await http.request(target, {
      method: req.method,
      headers: {
        ...(req.body ? { 'content-type': 'application/json' } : {}),
        ...(t.token ? { authorization: `Bearer ${t.token.reveal()}` } : {}),
      },
      ...(req.body ? { body: JSON.stringify(req.body) } : {}),
      ...(req.idempotent ? { retry: { retryNonIdempotent: true } } : {}),
    });
    return { status: res.status, json: jsonObject(await res.text(req.maxBytes)) };
  } catch (err) {
    if (err instanceof HttpNetworkError && err.code === 'TLS_UNTRUSTED') {
      throw new PortcullisError({
        code: err.code,
        message: err.message,
        hint: 'Pin it with --push-fingerprint SHA256 (the server prints it), trust its CA with --push-ca FILE, or (tests only) --push-insecure.',
        cause: err,
      });
    }
    throw err;
  }
}

function failure(status: number, json: Json, what: string): PortcullisError {
  const message = ((json.error as Json | undefined)?.message as string | undefined) ?? `HTTP ${status}`;
  if (status === 401)
    return new PortcullisError({
      code: 'AUTH_FAILED',
      message: `The metadata server refused the token: ${message}`,
      hint: 'Pass a valid token with --push-token or PORTCULLIS_TOKEN.',
    });
  if (status === 403)
    return new PortcullisError({
      code: 'PERMISSION_DENIED',
      message: `The metadata server denied ${what}: ${message}`,
      hint: 'The token needs the writer role on --push-project (and on --push-notes-project when the note is missing there).',
    });
  if (status === 429)
    return new PortcullisError({
      code: 'RATE_LIMITED',
      message: `The metadata server kept answering 429 for ${what}`,
      hint: 'Try again later.',
    });
  return new PortcullisError({
    code: 'PUSH_FAILED',
    message: `The metadata server answered ${status} for ${what}: ${message}`,
  });
}

/** Records one signature or attestation as an ATTESTATION occurrence (creating its note when missing). */
export async function recordAttestation(t: RecordTarget, e: AttestationEvidence): Promise<RecordResult> {
  let base: URL;
  try {
    base = new URL(t.url);
  } catch (err) {
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${t.url}"`,
      hint: 'The metadata server, e.g. https://metadata.example:8443.',
      cause: err,
    });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${t.url}": use https:// (or http:// for a loopback test server)`,
    });
  const notesProject = t.notesProject ?? t.project;
  const noteId = e.purpose === 'signature' ? SIGNATURES_NOTE_ID : ATTESTATIONS_NOTE_ID;
  const noteName = `projects/${notesProject}/notes/${noteId}`;
  const timeout = t.timeoutMs ?? 120_000;
  const http = createHttpClient({ tls: t.tls ?? {}, timeouts: { headersMs: timeout, bodyMs: timeout }, peer: `the metadata server at ${base.origin}` });
  try {
    const note = {
      kind: 'ATTESTATION',
      shortDescription:
        e.purpose === 'signature'
          ? 'Image signatures made by portcullis sign'
          : 'Image attestations made by portcullis attest',
      attestation: { hint: { humanReadableName: noteId } },
    };
    // A repeated note creation answers 409, which is taken as success: safe to repeat.
    const n = await call(http, base, t, {
      method: 'POST',
      path: `/v1/projects/${encodeURIComponent(notesProject)}/notes?noteId=${noteId}`,
      body: note,
      idempotent: true,
    });
    if (n.status !== 200 && n.status !== 409) throw failure(n.status, n.json, `creating note ${noteName}`);
    const occurrence = attestationOccurrence(e, noteName);
    const filter = `kind="ATTESTATION" AND resourceUri="${e.resourceUri}" AND noteName="${noteName}"`;
    const existing = await call(http, base, t, {
      method: 'GET',
      path: `/v1/projects/${encodeURIComponent(t.project)}/occurrences?pageSize=1000&filter=${encodeURIComponent(filter)}`,
      // Up to 1000 occurrences with their payloads and envelopes.
      maxBytes: 64 * 1024 * 1024,
    });
    if (existing.status === 200) {
      const payload = (occurrence.attestation as Json).serializedPayload;
      const same = ((existing.json.occurrences as Json[] | undefined) ?? []).find(
        (o) =>
          (o.attestation as Json | undefined)?.serializedPayload === payload &&
          ((o.attestation as Json).signatures as Json[] | undefined)?.some(
            (s) => s.publicKeyId === e.publicKeyId,
          ),
      );
      if (same)
        return { occurrence: String(same.name), noteName, resourceUri: e.resourceUri, created: false };
    }
    const o = await call(http, base, t, {
      method: 'POST',
      path: `/v1/projects/${encodeURIComponent(t.project)}/occurrences`,
      body: occurrence,
    });
    if (o.status !== 200) throw failure(o.status, o.json, `recording the ${e.purpose} on ${e.resourceUri}`);
    return { occurrence: String(o.json.name), noteName, resourceUri: e.resourceUri, created: true };
  } finally {
    await http.close();
  }
}
