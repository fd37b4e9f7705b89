/**
 * Re-signing and replacing: what makes a new signature or attestation the same as one already
 * stored, and which stored attestations `attest --replace` supersedes.
 *
 * ECDSA signatures are randomised, so signing the same payload twice with the same key gives two
 * different layers; like cosign's duplicate detector we call a stored layer a duplicate when it
 * carries the same payload and its signature verifies with the signing key. `--replace` drops the
 * stored attestations of the same predicate type (whoever signed them), in both layouts.
 */
import type { KeyObject } from 'node:crypto';
import {
  type Descriptor,
  type RegistryClient,
  deleteManifest,
  getReferrers,
  removeFromReferrersTagIndex,
} from '../oci/index.js';
import { MAX_COSIGN_LAYER_BYTES, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION } from './cosign-storage.js';
import { envelopeBody, parseEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse.js';
import { BUNDLE_PREDICATE_TYPE_ANNOTATION, readBundleReferrers } from './referrers.js';
import { verifySignature } from './signer.js';
import { BUNDLE_V03_MEDIA_TYPE } from './sigstore/bundle.js';

/** A `.sig` layer that is this payload signed by this key. */
export function sameSignatureLayer(publicKey: KeyObject, payloadDigest: string, payload: Buffer): (layer: Descriptor) => Promise<boolean> {
  return (layer) => {
    const b64 = layer.annotations?.[SIGNATURE_ANNOTATION];
    return Promise.resolve(layer.digest === payloadDigest && !!b64 && verifySignature(publicKey, payload, Buffer.from(b64, 'base64')));
  };
}

function sameEnvelope(bytes: Buffer, publicKey: KeyObject, payloadType: string, body: Buffer): boolean {
  try {
    const env = parseEnvelope(bytes);
    return env.payloadType === payloadType && envelopeBody(env).equals(body) && verifyEnvelope(env, [publicKey]).length > 0;
  } catch {
    return false;
  }
}

/** An `.att` layer whose envelope holds this statement, signed by this key. */
export function sameAttestationLayer(client: RegistryClient, repo: string, opts: { publicKey: KeyObject; predicateType: string; payloadType: string; body: Buffer }): (layer: Descriptor) => Promise<boolean> {
  return async (layer) => {
    if (layer.annotations?.[PREDICATE_TYPE_ANNOTATION] !== opts.predicateType || layer.size > MAX_COSIGN_LAYER_BYTES) return false;
    return sameEnvelope(await client.getBlob(repo, layer.digest, MAX_COSIGN_LAYER_BYTES), opts.publicKey, opts.payloadType, opts.body);
  };
}

/** `attest --replace` in the tag layout: the layers of the same predicate type. */
export function samePredicateType(predicateType: string): (layer: Descriptor) => boolean {
  return (layer) => layer.annotations?.[PREDICATE_TYPE_ANNOTATION] === predicateType;
}

/** The referrer of `digest` whose DSSE bundle holds this statement signed by this key, if any. */
export async function findDuplicateReferrer(client: RegistryClient, repo: string, digest: string, opts: { publicKey: KeyObject; payloadType: string; body: Buffer }): Promise<{ manifestDigest: string; bundleDigest: string; envelope: DsseEnvelope } | undefined> {
  for (const rb of await readBundleReferrers(client, repo, digest)) {
    let env: unknown;
    try {
      env = (JSON.parse(rb.bundle.toString('utf8')) as { dsseEnvelope?: unknown }).dsseEnvelope;
    } catch {
      continue;
    }
    const bytes = Buffer.from(JSON.stringify(env ?? null), 'utf8');
    if (env && sameEnvelope(bytes, opts.publicKey, opts.payloadType, opts.body)) return { manifestDigest: rb.manifestDigest, bundleDigest: rb.bundleDigest, envelope: parseEnvelope(bytes) };
  }
  return undefined;
}

export interface ReplacedReferrers {
  /** Referrer manifests taken out (of the fallback index, and deleted where the registry allows). */
  removed: string[];
  /** Those the registry refused to delete (still readable by digest, no longer listed in our index). */
  notDeleted: string[];
}

/**
 * `attest --replace` in the referrers layout: the bundle referrers of `digest` with the predicate
 * type (other than `keep`, the one just pushed) leave the `sha256-<hex>` index and are deleted.
 */
export async function replaceReferrers(client: RegistryClient, repo: string, digest: string, opts: { predicateType: string; keep: string }): Promise<ReplacedReferrers> {
  const { source, manifests } = await getReferrers(client, repo, digest, BUNDLE_V03_MEDIA_TYPE);
  const old = manifests.filter((d) => d.digest !== opts.keep && d.annotations?.[BUNDLE_PREDICATE_TYPE_ANNOTATION] === opts.predicateType).map((d) => d.digest);
  if (old.length === 0) return { removed: [], notDeleted: [] };
  if (source === 'tag') await removeFromReferrersTagIndex(client, repo, digest, new Set(old));
  const notDeleted: string[] = [];
  for (const d of old) if (!(await deleteManifest(client, repo, d))) notDeleted.push(d);
  return { removed: old, notDeleted };
}
