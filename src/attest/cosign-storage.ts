/**
 * cosign's registry storage of signatures and attestations (the "tag schema"): for an image
 * `REPO@sha256:HEX`, signatures live in an OCI image manifest tagged `REPO:sha256-HEX.sig` and
 * attestations in `REPO:sha256-HEX.att`. Each signature or attestation is one layer:
 *
 * - signature layer: mediaType `application/vnd.dev.cosign.simplesigning.v1+json`, the payload
 *   bytes as blob, annotation `dev.cosignproject.cosign/signature` = base64 DER signature;
 * - attestation layer: mediaType `application/vnd.dsse.envelope.v1+json`, the DSSE envelope as
 *   blob, annotations `dev.cosignproject.cosign/signature` = "" and `predicateType` = the URI.
 *
 * The config is what go-containerregistry writes for an empty image with appended layers:
 * `{"architecture":"","created":…,"history":[{"created":"0001-01-01T00:00:00Z"}…],"os":"",
 * "rootfs":{"type":"layers","diff_ids":[…layer digests…]},"config":{}}` with mediaType
 * `application/vnd.oci.image.config.v1+json`. Adding a signature rewrites the manifest with one
 * more layer; existing layers are kept byte for byte (except those `attest --replace` drops).
 */
import { PortcullisError } from '../core/index.js';
import {
  digestOf,
  parseManifestOrIndex,
  type Descriptor,
  type ImageManifest,
  MEDIA_TYPES,
  type RegistryClient,
  blobExists,
  pushBlob,
  pushManifest,
  tryGetManifest,
} from '../oci/index.js';

export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';

/** Largest signature payload or attestation envelope we read (SBOM attestations can be big). */
export const MAX_COSIGN_LAYER_BYTES = 64 * 1024 * 1024;

export type CosignKind = 'sig' | 'att';

/** `sha256-<hex>.sig` / `.att` for a manifest digest. */
export function cosignTag(digest: string, kind: CosignKind): string {
  return `${digest.replace(':', '-')}.${kind}`;
}

export interface CosignLayer {
  descriptor: Descriptor;
  /** The blob's bytes (verified against the descriptor's digest). */
  payload: Buffer;
}

export interface CosignImage {
  tag: string;
  manifestDigest: string;
  manifest: ImageManifest;
  layers: CosignLayer[];
}

/** The config blob go-containerregistry writes for the given layers. */
export function buildCosignConfig(layers: readonly Descriptor[], created: Date): Buffer {
  const doc = {
    architecture: '',
    created: created.toISOString(),
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** The manifest bytes for a config and layers, in go-containerregistry's member order. */
export function buildCosignManifest(config: Buffer, layers: readonly Descriptor[]): Buffer {
  const doc = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, size: config.length, digest: digestOf(config) },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest, ...(l.annotations ? { annotations: l.annotations } : {}) })),
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** Reads the `.sig` or `.att` image of a digest with its layer blobs; undefined when there is none. */
export async function readCosignImage(client: RegistryClient, repo: string, digest: string, kind: CosignKind): Promise<CosignImage | undefined> {
  const tag = cosignTag(digest, kind);
  const m = await tryGetManifest(client, repo, tag);
  if (!m) return undefined;
  const parsed = parseManifestOrIndex(m.body, m.mediaType);
  if (parsed.kind !== 'manifest') {
    throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `${repo}:${tag} is an index, not a cosign signature manifest`, hint: 'Something else wrote this tag; remove it or sign again.' });
  }
  const layers: CosignLayer[] = [];
  for (const d of parsed.manifest.layers) {
    if (d.size > MAX_COSIGN_LAYER_BYTES) {
      throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Layer ${d.digest} of ${repo}:${tag} declares ${d.size} bytes`, hint: `Signature and attestation layers are read up to ${MAX_COSIGN_LAYER_BYTES} bytes.` });
    }
    layers.push({ descriptor: d, payload: await client.getBlob(repo, d.digest, MAX_COSIGN_LAYER_BYTES) });
  }
  return { tag, manifestDigest: m.digest, manifest: parsed.manifest, layers };
}

function sameAnnotations(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
}

export interface AppendResult {
  tag: string;
  /** Digest of the `.sig`/`.att` manifest now in the registry. */
  manifestDigest: string;
  layerDigest: string;
  /** Layers in the manifest after the append. */
  layerCount: number;
  /** True when an identical layer was already there (nothing was written). */
  duplicate: boolean;
  /** Layers dropped because `replace` selected them. */
  replaced: number;
}

export interface AppendOptions {
  repo: string;
  digest: string;
  kind: CosignKind;
  payload: Buffer;
  mediaType: string;
  annotations: Record<string, string>;
  now?: () => Date;
  /**
   * Whether an existing layer (of the same media type) already says what this one says, e.g. the
   * same payload signed by the same key (ECDSA signatures differ on each signing, so byte equality
   * alone misses re-signing). Nothing is written when one is.
   */
  isDuplicate?: (layer: Descriptor) => Promise<boolean>;
  /** Existing layers to drop (e.g. `attest --replace`: attestations of the same predicate type). */
  replace?: (layer: Descriptor) => boolean;
}

/**
 * Adds one layer to the `.sig`/`.att` image of a digest, keeping every existing layer; an exact
 * duplicate (same blob and annotations) is not added twice.
 */
export async function appendCosignLayer(client: RegistryClient, opts: AppendOptions): Promise<AppendResult> {
  const { repo, kind } = opts;
  const tag = cosignTag(opts.digest, kind);
  const existing = await tryGetManifest(client, repo, tag);
  let layers: Descriptor[] = [];
  if (existing) {
    const parsed = parseManifestOrIndex(existing.body, existing.mediaType);
    if (parsed.kind !== 'manifest') {
      throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `${repo}:${tag} is an index, not a cosign signature manifest`, hint: 'Something else wrote this tag; remove it before signing.' });
    }
    layers = parsed.manifest.layers;
  }
  const layerDigest = digestOf(opts.payload);
  const kept = opts.replace ? layers.filter((l) => !opts.replace!(l)) : layers;
  const replaced = layers.length - kept.length;
  if (existing && replaced === 0) {
    for (const l of layers) {
      if (l.mediaType !== opts.mediaType) continue;
      const same = (l.digest === layerDigest && sameAnnotations(l.annotations, opts.annotations)) || (opts.isDuplicate ? await opts.isDuplicate(l) : false);
      if (same) return { tag, manifestDigest: existing.digest, layerDigest: l.digest, layerCount: layers.length, duplicate: true, replaced: 0 };
    }
  }
  if (!kept.some((l) => l.digest === layerDigest) || (await blobExists(client, repo, layerDigest)) === undefined) {
    await pushBlob(client, repo, opts.payload);
  }
  const next = [...kept, { mediaType: opts.mediaType, size: opts.payload.length, digest: layerDigest, annotations: opts.annotations }];
  const config = buildCosignConfig(next, (opts.now ?? (() => new Date()))());
  await pushBlob(client, repo, config);
  const manifest = buildCosignManifest(config, next);
  const manifestDigest = await pushManifest(client, repo, tag, manifest, MEDIA_TYPES.ociManifest);
  return { tag, manifestDigest, layerDigest, layerCount: next.length, duplicate: false, replaced };
}

/**
 * Merges the layers of a `.sig`/`.att` image from elsewhere (a copy's source) into the one a
 * repository already has under `tag`: the existing layers are kept, those not already there (same
 * blob and annotations) are appended, and the manifest is rewritten when anything was added.
 * Blobs must already be in the repository. Returns the tag's manifest digest, or undefined when
 * one of the two is not a cosign signature image (the caller then overwrites the tag).
 */
export async function mergeCosignImage(client: RegistryClient, opts: { repo: string; tag: string; incoming: Buffer; existing: { body: Buffer; mediaType: string; digest: string }; now?: () => Date }): Promise<{ manifestDigest: string; added: number } | undefined> {
  let incoming: ImageManifest;
  let existing: ImageManifest;
  try {
    const a = parseManifestOrIndex(opts.incoming, MEDIA_TYPES.ociManifest);
    const b = parseManifestOrIndex(opts.existing.body, opts.existing.mediaType || MEDIA_TYPES.ociManifest);
    if (a.kind !== 'manifest' || b.kind !== 'manifest') return undefined;
    incoming = a.manifest;
    existing = b.manifest;
  } catch {
    return undefined;
  }
  const fresh = incoming.layers.filter((l) => !existing.layers.some((e) => e.digest === l.digest && e.mediaType === l.mediaType && sameAnnotations(e.annotations, l.annotations)));
  if (fresh.length === 0) return { manifestDigest: opts.existing.digest, added: 0 };
  const layers = [...existing.layers, ...fresh];
  const config = buildCosignConfig(layers, (opts.now ?? (() => new Date()))());
  await pushBlob(client, opts.repo, config);
  const manifestDigest = await pushManifest(client, opts.repo, opts.tag, buildCosignManifest(config, layers), MEDIA_TYPES.ociManifest);
  return { manifestDigest, added: fresh.length };
}
