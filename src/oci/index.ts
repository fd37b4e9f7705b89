/**
 * OCI images: sources (registry, OCI layout and archive, Docker archive, directory), references,
 * manifests and indexes, platforms, layer streams with size caps, and the registry client
 * (Distribution API, auth, push, referrers, copy).
 *
 * The module's public surface: other modules import it through this file only.
 */
export type { Limits } from './decompress.js';
export { digestOf } from './digest.js';
export { readLayer } from './layer-reader.js';
export type { EntryHeader, EntryType, Want } from './layer-reader.js';
export { isDigest, parseManifestOrIndex, parsePlatform } from './manifest.js';
export type { Descriptor, ImageConfig, ImageManifest, Platform } from './manifest.js';
export { MEDIA_TYPES } from './media-types.js';
export { openImageSource } from './open.js';
export { parseDockerReference, parseImageReference } from './reference.js';
export type { DockerReference, ImageReference } from './reference.js';
export { RegistryClient } from './registry/client.js';
export { copyRelated } from './registry/copy-referrers.js';
export type { MergeTag, RelatedCopy } from './registry/copy-referrers.js';
export { copyImage } from './registry/copy.js';
export type { CopyResult } from './registry/copy.js';
export { findCredentials, parseCreds } from './registry/credentials.js';
export type { Credentials } from './registry/credentials.js';
export { addToReferrersTagIndex, blobExists, deleteManifest, getReferrers, pushBlob, pushManifest, pushSubjectManifest, referrersTag, removeFromReferrersTagIndex, tryGetManifest } from './registry/push.js';
export type { ResolvedImage } from './source.js';
