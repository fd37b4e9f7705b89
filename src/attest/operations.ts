/**
 * Signing, attesting and verifying images in a registry: resolve the image's manifest digest,
 * then read or append its cosign `.sig`/`.att` image. The verification itself is offline
 * (verify.ts); this file is the IO around it.
 */
import type { KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { type RegistryClient, type DockerReference, digestOf, getReferrers } from '../oci/index.js';
import { appendCosignLayer, PREDICATE_TYPE_ANNOTATION, readCosignImage, SIGNATURE_ANNOTATION, type AppendResult } from './cosign-storage.js';
import { DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope, type DsseEnvelope } from './dsse.js';
import { buildStatement, predicateValue, type PredicateKind, type Statement } from './intoto.js';
import type { Signer } from './signer.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.js';
import { pushBundleReferrer, readBundleReferrers, type ReferrerPushResult } from './referrers.js';
import { findDuplicateReferrer, replaceReferrers, sameAttestationLayer, samePredicateType, sameSignatureLayer } from './duplicates.js';
import { buildDsseKeyBundle } from './sigstore/bundle.js';
import { emptyTrustedRoot } from './sigstore/trusted-root.js';
import type { IdentityPolicy } from './sigstore/verify-bundle.js';
import { keyIdOf } from './signer.js';
import { COSIGN_SIGN_PREDICATE_TYPE, verifyKeylessAttestationLayers, verifyKeylessSignatureLayers, verifyReferrerBundles } from './verify-sigstore.js';
import { summarize, verifyAttestationLayers, verifySignatureLayers, type LayerCheck, type VerificationResult } from './verify.js';

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
  signature: Buffer;
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
    isDuplicate: sameSignatureLayer(opts.signer.publicKey, digestOf(payload), payload),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...res, digest, payload, signature: sig };
}

export interface AttestResult extends AppendResult {
  digest: string;
  statement: Statement;
  envelope: DsseEnvelope;
}

/**
 * Attests an image: an in-toto statement in a DSSE envelope appended to its `.att` image; with
 * `replace`, the attestations of the same predicate type already there are dropped.
 */
export async function attestImage(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; kind: PredicateKind; predicate: Buffer; digest?: string; replace?: boolean; now?: () => Date }): Promise<AttestResult> {
  const digest = opts.digest ?? (await resolveDigest(client, opts.ref));
  const statement = buildStatement({ subjectName: cosignRepositoryName(opts.ref), manifestDigest: digest, kind: opts.kind, predicate: predicateValue(opts.kind, opts.predicate, opts.now) });
  const body = Buffer.from(JSON.stringify(statement), 'utf8');
  const envelope = await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body, signer: opts.signer });
  const res = await appendCosignLayer(client, {
    repo: opts.ref.repository,
    digest,
    kind: 'att',
    payload: serializeEnvelope(envelope),
    mediaType: DSSE_MEDIA_TYPE,
    annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: opts.kind.uri },
    isDuplicate: sameAttestationLayer(client, opts.ref.repository, { publicKey: opts.signer.publicKey, predicateType: opts.kind.uri, payloadType: IN_TOTO_PAYLOAD_TYPE, body }),
    ...(opts.replace ? { replace: samePredicateType(opts.kind.uri) } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...res, digest, statement, envelope };
}

/** The subject descriptor of an image: media type, digest and size of its manifest. */
async function subjectOf(client: RegistryClient, ref: DockerReference, digest: string) {
  const m = await client.getManifest(ref.repository, digest);
  return { mediaType: m.mediaType, digest: m.digest, size: m.body.length };
}

export interface StatementReferrerResult extends ReferrerPushResult {
  /** True when a referrer with this statement signed by this key was already there (nothing was written). */
  duplicate: boolean;
  /** With `replace`: the referrers of the same predicate type that were taken out. */
  replaced: string[];
  /** The envelope in the bundle (the stored one for a duplicate). */
  envelope: DsseEnvelope;
}

async function pushStatementReferrer(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; digest: string; statement: Statement; replace?: boolean; now?: () => Date }): Promise<StatementReferrerResult> {
  const body = Buffer.from(JSON.stringify(opts.statement), 'utf8');
  const repo = opts.ref.repository;
  if (!opts.replace) {
    const dup = await findDuplicateReferrer(client, repo, opts.digest, { publicKey: opts.signer.publicKey, payloadType: IN_TOTO_PAYLOAD_TYPE, body });
    if (dup) return { ...dup, index: (await getReferrers(client, repo, opts.digest)).source, duplicate: true, replaced: [] };
  }
  const envelope = await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body, signer: opts.signer });
  const bundle = buildDsseKeyBundle({ envelope, keyHint: keyIdOf(opts.signer.publicKey) });
  const res = await pushBundleReferrer(client, { repo, subject: await subjectOf(client, opts.ref, opts.digest), bundle, predicateType: opts.statement.predicateType, content: 'dsse-envelope', ...(opts.now ? { now: opts.now } : {}) });
  const replaced = opts.replace ? (await replaceReferrers(client, repo, opts.digest, { predicateType: opts.statement.predicateType, keep: res.manifestDigest })).removed : [];
  return { ...res, duplicate: false, replaced, envelope };
}

/**
 * Signs an image in cosign v3's layout: a DSSE bundle (v0.3, public-key hint) whose statement has
 * the predicate type `https://sigstore.dev/cosign/sign/v1` and the image digest as subject,
 * pushed as an OCI 1.1 referrer. `-a` annotations go in the predicate's `annotations`.
 */
export async function signImageReferrer(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; annotations?: Record<string, string>; digest?: string; now?: () => Date }): Promise<StatementReferrerResult & { digest: string; statement: Statement }> {
  const digest = opts.digest ?? (await resolveDigest(client, opts.ref));
  const statement: Statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: cosignRepositoryName(opts.ref), digest: { sha256: digest.slice('sha256:'.length) } }], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: opts.annotations ? { annotations: opts.annotations } : {} };
  return { ...(await pushStatementReferrer(client, { ref: opts.ref, signer: opts.signer, digest, statement, ...(opts.now ? { now: opts.now } : {}) })), digest, statement };
}

/** Attests an image in cosign v3's layout: a DSSE bundle pushed as an OCI 1.1 referrer (`replace`: see attestImage). */
export async function attestImageReferrer(client: RegistryClient, opts: { ref: DockerReference; signer: Signer; kind: PredicateKind; predicate: Buffer; digest?: string; replace?: boolean; now?: () => Date }): Promise<StatementReferrerResult & { digest: string; statement: Statement }> {
  const digest = opts.digest ?? (await resolveDigest(client, opts.ref));
  const statement = buildStatement({ subjectName: cosignRepositoryName(opts.ref), manifestDigest: digest, kind: opts.kind, predicate: predicateValue(opts.kind, opts.predicate, opts.now) });
  return { ...(await pushStatementReferrer(client, { ref: opts.ref, signer: opts.signer, digest, statement, ...(opts.replace ? { replace: true } : {}), ...(opts.now ? { now: opts.now } : {}) })), digest, statement };
}

export interface ImageVerification extends VerificationResult {
  image: string;
  digest: string;
}

/** What to verify against: public keys, or (keyless) an identity policy and a trusted root. */
export type VerifyAgainst = { keys: readonly KeyObject[] } | { identity: IdentityPolicy; trustedRoot: TrustedRoot };

/**
 * Verifies an image's signatures in the registry, in both layouts: the `.sig` tag (cosign v2;
 * keyed, or keyless with certificate and Rekor bundle annotations) and Sigstore bundles stored as
 * OCI 1.1 referrers (cosign v3).
 */
export async function verifyImage(client: RegistryClient, opts: { ref: DockerReference; annotations?: Record<string, string> } & VerifyAgainst): Promise<ImageVerification> {
  const digest = await resolveDigest(client, opts.ref);
  const img = await readCosignImage(client, opts.ref.repository, digest, 'sig');
  const layers = img?.layers ?? [];
  const ann = opts.annotations ? { annotations: opts.annotations } : {};
  let checks: LayerCheck[];
  if ('keys' in opts) {
    checks = layers.length > 0 ? verifySignatureLayers({ layers, keys: opts.keys, manifestDigest: digest, ...ann }).checks : [];
  } else {
    checks = verifyKeylessSignatureLayers({ layers, trustedRoot: opts.trustedRoot, identity: opts.identity, manifestDigest: digest, ...ann });
  }
  const bundles = await readBundleReferrers(client, opts.ref.repository, digest);
  checks.push(...verifyReferrerBundles({ bundles, purpose: 'signature', manifestDigest: digest, firstIndex: layers.length, ...ann, ...('keys' in opts ? { keys: opts.keys, trustedRoot: emptyTrustedRoot() } : { identity: opts.identity, trustedRoot: opts.trustedRoot }) }));
  return { image: cosignRepositoryName(opts.ref), digest, ...summarize(checks, 'signature', 'SIGNATURE_MISSING', `no signatures found for ${digest}`) };
}

/** Verifies an image's attestations in the registry (`.att` tag with keys, and referrer bundles). */
export async function verifyImageAttestations(client: RegistryClient, opts: { ref: DockerReference; predicateType?: string } & VerifyAgainst): Promise<ImageVerification> {
  const digest = await resolveDigest(client, opts.ref);
  const img = await readCosignImage(client, opts.ref.repository, digest, 'att');
  const layers = img?.layers ?? [];
  const pt = opts.predicateType ? { predicateType: opts.predicateType } : {};
  const checks: LayerCheck[] =
    layers.length === 0 ? [] : 'keys' in opts ? verifyAttestationLayers({ layers, keys: opts.keys, manifestDigest: digest, ...pt }).checks : verifyKeylessAttestationLayers({ layers, trustedRoot: opts.trustedRoot, identity: opts.identity, manifestDigest: digest, ...pt });
  const bundles = await readBundleReferrers(client, opts.ref.repository, digest);
  checks.push(...verifyReferrerBundles({ bundles, purpose: 'attestation', manifestDigest: digest, firstIndex: layers.length, ...pt, ...('keys' in opts ? { keys: opts.keys, trustedRoot: emptyTrustedRoot() } : { identity: opts.identity, trustedRoot: opts.trustedRoot }) }));
  return { image: cosignRepositoryName(opts.ref), digest, ...summarize(checks, 'attestation', 'SIGNATURE_MISSING', `no attestations found for ${digest}`) };
}
