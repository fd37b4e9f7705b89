/**
 * An image source resolves a reference to one single-platform image: manifest, config and
 * layers that can be opened as verified byte streams.
 */
import type { Readable } from 'node:stream';
import type { Descriptor, ImageConfig, ImageManifest, Platform } from './manifest.js';

export interface ResolvedLayer {
  index: number;
  /** Descriptor of the stored blob, when the transport has one. */
  descriptor?: Descriptor;
  /** Expected digest of the uncompressed tar (config rootfs.diff_ids). */
  diffId: string;
  /** Compressed size when known. */
  size?: number;
  /** Opens the stored bytes; the stream fails with DIGEST_MISMATCH at its end if they do not match. */
  open(): Promise<Readable>;
}

export interface ResolvedImage {
  /** Digest of the manifest (for docker-archive: of the config, there is no stored manifest). */
  manifestDigest?: string;
  manifest?: ImageManifest;
  /** Digest of the index the manifest was selected from, if any. */
  indexDigest?: string;
  config: ImageConfig;
  configDigest: string;
  layers: ResolvedLayer[];
  /** Repository name and tag when the transport carries them. */
  repository?: string;
  tag?: string;
}

export interface ResolveOptions {
  platform?: Platform;
}

export interface ImageSource {
  /** Canonical reference string, e.g. `docker://127.0.0.1:5000/app:1`. */
  readonly reference: string;
  readonly transport: 'docker' | 'oci' | 'oci-archive' | 'docker-archive';
  resolve(opts?: ResolveOptions): Promise<ResolvedImage>;
  close(): Promise<void>;
}

/** Largest manifest, index or config we read into memory. */
export const MAX_METADATA_BYTES = 8 * 1024 * 1024;
