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
 * same note, resource and payload is not recorded twice. The TLS trust of the server is the one
 * of `scan --push` (pinned fingerprint, CA file or insecure), through its dispatcher.
 */
import { request, type Dispatcher } from 'undici';
import { PortcullisError } from '../core/errors.js';
import { parseJsonText, pushDispatcher, tlsError, type PushTls } from '../scan/push.js';
import { sendWithRetry, type RetryPolicy } from '../scan/push-retry.js';
import type { Secret } from '../core/secret.js';

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
  tls?: PushTls;
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

/** Retries of a 429/503 (Retry-After honoured), the same policy as `scan --push` but shorter. */
const RETRY: RetryPolicy = { attempts: 4, maxWaitMs: 10_000, baseDelayMs: 250 };

async function call(
  d: Dispatcher,
  base: URL,
  t: RecordTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: Json,
): Promise<{ status: number; json: Json }> {
  const target = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  let res;
  try {
    ({ res } = await sendWithRetry(
      () =>
        request(target, {
          method,
          dispatcher: d,
          headers: {
            ...(body ? { 'content-type': 'application/json' } : {}),
            ...(t.token ? { authorization: `Bearer ${t.token.reveal()}` } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
      RETRY,
    ));
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? '';
    throw (
      tlsError(err) ??
      new PortcullisError({
        code: 'NETWORK_ERROR',
        message: `Cannot reach the metadata server at ${base.origin}: ${code || (err as Error).message}`,
        cause: err,
      })
    );
  }
  return { status: res.statusCode, json: parseJsonText(await res.body.text()) };
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
  const d = pushDispatcher(t.tls, t.timeoutMs);
  try {
    const note = {
      kind: 'ATTESTATION',
      shortDescription:
        e.purpose === 'signature'
          ? 'Image signatures made by portcullis sign'
          : 'Image attestations made by portcullis attest',
      attestation: { hint: { humanReadableName: noteId } },
    };
    const n = await call(
      d,
      base,
      t,
      'POST',
      `/v1/projects/${encodeURIComponent(notesProject)}/notes?noteId=${noteId}`,
      note,
    );
    if (n.status !== 200 && n.status !== 409) throw failure(n.status, n.json, `creating note ${noteName}`);
    const occurrence = attestationOccurrence(e, noteName);
    const filter = `kind="ATTESTATION" AND resourceUri="${e.resourceUri}" AND noteName="${noteName}"`;
    const existing = await call(
      d,
      base,
      t,
      'GET',
      `/v1/projects/${encodeURIComponent(t.project)}/occurrences?pageSize=1000&filter=${encodeURIComponent(filter)}`,
    );
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
    const o = await call(
      d,
      base,
      t,
      'POST',
      `/v1/projects/${encodeURIComponent(t.project)}/occurrences`,
      occurrence,
    );
    if (o.status !== 200) throw failure(o.status, o.json, `recording the ${e.purpose} on ${e.resourceUri}`);
    return { occurrence: String(o.json.name), noteName, resourceUri: e.resourceUri, created: true };
  } finally {
    await d.close();
  }
}
