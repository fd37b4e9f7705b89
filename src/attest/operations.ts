/**
 * Signing, attesting and verifying images in a registry: resolve the image's manifest digest,
 * then read or append its cosign `.sig`/`.att` image. The verification itself is offline
 * (verify.ts); this file is the IO around it.
 */
import type { KeyObject } from 'node:crypto';
import type { RegistryClient } from '../oci/registry/client.js';
import type { DockerReference } from '../oci/reference.js';
import { appendCosignLayer, PREDICATE_TYPE_ANNOTATION, readCosignImage, SIGNATURE_ANNOTATION, type AppendResult } from './cosign-storage.js';
import { DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './dsse.js';
import { buildStatement, predicateValue, type PredicateKind, type Statement } from './intoto.js';
import type { Signer } from './signer.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';
import { verifyAttestationLayers, verifySignatureLayers, type VerificationResult } from './verify.js';

/** The repository name cosign puts in payloads and subjects (`index.docker.io/…` for Docker Hub). */
export function cosignRepositoryName(ref: DockerReference): string {
  return `${ref.registry === 'docker.io' ? 'index.docker.io' : ref.registry}/${ref.repository}`;
}

/** The digest of the manifest (or index) a reference names, as cosign signs it. */
export async function resolveDigest(client: RegistryClient, ref: DockerReference): Promise<string> {
  if (ref.digest) {
    // Check that it exists (and that the registry serves those bytes).
    return (await client.getManifest(ref.repository, ref.digest)).digest;
  }
  return (await client.getManifest(ref.repository, ref.tag ?? 'latest')).digest;
}

export interface SignResult extends AppendResult {
  digest: string;
  payload: Buffer;
}

/** Signs an image: a simple-signing payload appended to its `.sig` image. */
export async function signImage(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; annotations?: Record<string, string>; digest?: string; now?: () => Date }): Promise<SignResult> {
  const digest = opts.digest ?? (await resolveDigest(client, opts.ref));
  const payload = buildSimpleSigningPayload({ dockerReference: cosignRepositoryName(opts.ref), manifestDigest: digest, ...(opts.annotations ? { annotations: opts.annotations } : {}) });
  const sig = await opts.signer.sign(payload);
  const res = await appendCosignLayer(client, {
    repo: opts.ref.repository,
    digest,
    kind: 'sig',
    payload,
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...res, digest, payload };
}

export interface AttestResult extends AppendResult {
  digest: string;
  statement: Statement;
}

/** Attests an image: an in-toto statement in a DSSE envelope appended to its `.att` image. */
export async function attestImage(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; kind: PredicateKind; predicate: Buffer; digest?: string; now?: () => Date }): Promise<AttestResult> {
  const digest = opts.digest ?? (await resolveDigest(client, opts.ref));
  const statement = buildStatement({ subjectName: cosignRepositoryName(opts.ref), manifestDigest: digest, kind: opts.kind, predicate: predicateValue(opts.kind, opts.predicate, opts.now) });
  const envelope = await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body: Buffer.from(JSON.stringify(statement), 'utf8'), signer: opts.signer });
  const res = await appendCosignLayer(client, {
    repo: opts.ref.repository,
    digest,
    kind: 'att',
    payload: serializeEnvelope(envelope),
    mediaType: DSSE_MEDIA_TYPE,
    annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: opts.kind.uri },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...res, digest, statement };
}

export interface ImageVerification extends VerificationResult {
  image: string;
  digest: string;
}

/** Verifies an image's signatures in the registry. */
export async function verifyImage(client: RegistryClient, opts: { ref: DockerReference; keys: readonly KeyObject[]; annotations?: Record<string, string> }): Promise<ImageVerification> {
  const digest = await resolveDigest(client, opts.ref);
  const img = await readCosignImage(client, opts.ref.repository, digest, 'sig');
  const result = verifySignatureLayers({ layers: img?.layers ?? [], keys: opts.keys, manifestDigest: digest, ...(opts.annotations ? { annotations: opts.annotations } : {}) });
  return { image: cosignRepositoryName(opts.ref), digest, ...result };
}

/** Verifies an image's attestations in the registry. */
export async function verifyImageAttestations(client: RegistryClient, opts: { ref: DockerReference; keys: readonly KeyObject[]; predicateType?: string }): Promise<ImageVerification> {
  const digest = await resolveDigest(client, opts.ref);
  const img = await readCosignImage(client, opts.ref.repository, digest, 'att');
  const result = verifyAttestationLayers({ layers: img?.layers ?? [], keys: opts.keys, manifestDigest: digest, ...(opts.predicateType ? { predicateType: opts.predicateType } : {}) });
  return { image: cosignRepositoryName(opts.ref), digest, ...result };
}
