/**
 * Registry-to-registry copy of an image by digest: every blob (skipped when the destination has
 * it, mounted when both repositories are on the same registry, streamed otherwise with its digest
 * checked on the way), every child manifest of an index, then the manifest bytes unchanged, so
 * the digest at the destination is the digest at the source.
 */
import { PortcullisError } from '../../core/errors.js';
import { parseManifestOrIndex } from '../manifest.js';
import type { RegistryClient } from './client.js';
import { blobExists, mountBlob, pushBlobStream, pushManifest } from './push.js';

export interface CopyEndpoint {
  client: RegistryClient;
  repository: string;
}

export interface CopyStats {
  manifests: number;
  blobsCopied: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesCopied: number;
}

export interface CopyResult extends CopyStats {
  digest: string;
  mediaType: string;
}

const MAX_INDEX_DEPTH = 4;
const PARALLEL_BLOBS = 4;

async function copyBlob(src: CopyEndpoint, dst: CopyEndpoint, digest: string, size: number, stats: CopyStats): Promise<void> {
  if ((await blobExists(dst.client, dst.repository, digest)) !== undefined) {
    stats.blobsSkipped++;
    return;
  }
  let uploadLocation: string | undefined;
  if (src.client.registry === dst.client.registry && src.repository !== dst.repository) {
    const m = await mountBlob(dst.client, dst.repository, digest, src.repository);
    if (m.mounted) {
      stats.blobsMounted++;
      return;
    }
    uploadLocation = m.location;
  }
  await pushBlobStream(dst.client, dst.repository, { digest, size, open: () => src.client.openBlob(src.repository, digest, size) }, uploadLocation ? { uploadLocation } : {});
  stats.blobsCopied++;
  stats.bytesCopied += size;
}

async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

async function copyManifest(src: CopyEndpoint, dst: CopyEndpoint, reference: string, stats: CopyStats, depth: number): Promise<{ digest: string; mediaType: string }> {
  const m = await src.client.getManifest(src.repository, reference);
  const parsed = parseManifestOrIndex(m.body, m.mediaType);
  const mediaType = m.mediaType || (parsed.kind === 'index' ? parsed.index.mediaType : parsed.manifest.mediaType) || '';
  if (parsed.kind === 'index') {
    if (depth >= MAX_INDEX_DEPTH) throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `Indexes nested deeper than ${MAX_INDEX_DEPTH} in ${src.repository}`, hint: 'The image is malformed.' });
    for (const child of parsed.index.manifests) await copyManifest(src, dst, child.digest, stats, depth + 1);
  } else {
    const blobs = [parsed.manifest.config, ...parsed.manifest.layers];
    const seen = new Set<string>();
    await inPool(
      blobs.filter((b) => !seen.has(b.digest) && seen.add(b.digest)),
      PARALLEL_BLOBS,
      (b) => copyBlob(src, dst, b.digest, b.size, stats),
    );
  }
  await pushManifest(dst.client, dst.repository, m.digest, m.body, mediaType);
  stats.manifests++;
  return { digest: m.digest, mediaType };
}

/** Copies the image `reference` (tag or digest) of `src` to `dst`, tagging it `tag` when given. */
export async function copyImage(src: CopyEndpoint, dst: CopyEndpoint, opts: { reference: string; tag?: string }): Promise<CopyResult> {
  const stats: CopyStats = { manifests: 0, blobsCopied: 0, blobsMounted: 0, blobsSkipped: 0, bytesCopied: 0 };
  const top = await copyManifest(src, dst, opts.reference, stats, 0);
  if (opts.tag) {
    const m = await src.client.getManifest(src.repository, top.digest);
    await pushManifest(dst.client, dst.repository, opts.tag, m.body, top.mediaType);
  }
  return { ...top, ...stats };
}
