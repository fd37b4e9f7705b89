/**
 * Registry-to-registry copy of an image by digest: every blob (skipped when the destination has
 * it, mounted when both repositories are on the same registry, streamed otherwise with its digest
 * checked on the way), every child manifest of an index, then the manifest bytes unchanged, so
 * the digest at the destination is the digest at the source.
 */
import { PortcullisError } from '../../core/index.js';
import { parseManifestOrIndex } from '../manifest.js';
import type { RegistryClient } from './client.js';
import { blobExists, mountBlob, pushBlobStream, pushManifest, pushSubjectManifest } from './push.js';

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
  /** The manifest's `subject` digest, when it is an OCI 1.1 referrer. */
  subject?: string;
  /** For a referrer: whether the destination indexed it itself (`OCI-Subject`, referrers API). */
  subjectAccepted?: boolean;
  /** The top manifest's size in bytes and `artifactType`/annotations (for referrers indexes). */
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface TopFields {
  subject?: { digest?: unknown };
  artifactType?: unknown;
  annotations?: unknown;
}

function topFields(body: Buffer): TopFields {
  try {
    const doc = JSON.parse(body.toString('utf8')) as unknown;
    return doc && typeof doc === 'object' ? (doc as TopFields) : {};
  } catch {
    return {};
  }
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

type ManifestCopy = Pick<CopyResult, 'digest' | 'mediaType' | 'subject' | 'subjectAccepted' | 'size' | 'artifactType' | 'annotations'>;

async function copyManifest(src: CopyEndpoint, dst: CopyEndpoint, reference: string, stats: CopyStats, depth: number): Promise<ManifestCopy> {
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
  const top = topFields(m.body);
  const out: ManifestCopy = { digest: m.digest, mediaType, size: m.body.length };
  if (typeof top.artifactType === 'string') out.artifactType = top.artifactType;
  if (top.annotations && typeof top.annotations === 'object') out.annotations = top.annotations as Record<string, string>;
  if (typeof top.subject?.digest === 'string') {
    // A referrer: the registry may index it (referrers API); the caller keeps the fallback tag otherwise.
    const { subjectAccepted } = await pushSubjectManifest(dst.client, dst.repository, m.body, mediaType);
    out.subject = top.subject.digest;
    out.subjectAccepted = subjectAccepted;
  } else {
    await pushManifest(dst.client, dst.repository, m.digest, m.body, mediaType);
  }
  stats.manifests++;
  return out;
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
