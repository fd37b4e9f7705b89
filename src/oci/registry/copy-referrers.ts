/**
 * What travels with an image in a copy: its OCI 1.1 referrers (signature and attestation bundles,
 * SBOMs, anything with the image as `subject`) and the tag-schema artifacts named after its digest
 * (`sha256-<hex>.sig|.att|.sbom` of cosign), then, recursively, what refers to those (a signature
 * on an SBOM attestation, the `.sig` of an attestation).
 *
 * Referrers are found with the source's referrers API or its `sha256-<hex>` fallback index, and
 * pushed by digest to the destination; when the destination does not index them itself (no
 * `OCI-Subject` answer, e.g. distribution 2.8), they are added to its `sha256-<hex>` fallback
 * index, merged with what is already listed there. The source's fallback index tag itself is
 * never copied verbatim: it would drop referrers the destination already has.
 */
import type { Descriptor } from '../manifest.js';
import { copyImage, type CopyEndpoint, type CopyResult } from './copy.js';
import { addToReferrersTagIndex, getReferrers, referrersTag, tryGetManifest } from './push.js';

/** A tag-schema artifact that was copied (`sha256-<hex>.sig` …). */
export interface CopiedTag {
  /** The digest the tag is named after. */
  subject: string;
  tag: string;
  result: CopyResult;
  /** Set when the destination had the tag already and the source's layers were merged into it. */
  merged?: { manifestDigest: string; added: number };
}

/**
 * Merges a tag-schema artifact into the destination's existing one (cosign `.sig`/`.att`: keep the
 * destination's signatures, add the source's); undefined when it cannot, and the tag is then
 * overwritten with the source's manifest.
 */
export type MergeTag = (dst: CopyEndpoint, tag: string, incoming: Buffer, existing: { body: Buffer; mediaType: string; digest: string }) => Promise<{ manifestDigest: string; added: number } | undefined>;

/** An OCI 1.1 referrer that was copied. */
export interface CopiedReferrer {
  subject: string;
  digest: string;
  artifactType?: string;
  /** How the destination lists it: its referrers API, or the fallback index tag we maintain. */
  index: 'api' | 'tag';
  /** The fallback index tag, when we maintain it. */
  tag?: string;
  result: CopyResult;
}

export interface RelatedCopy {
  tags: CopiedTag[];
  referrers: CopiedReferrer[];
}

function subjectOf(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { subject?: { digest?: unknown } } | null;
    return typeof doc?.subject?.digest === 'string' ? doc.subject.digest : undefined;
  } catch {
    return undefined;
  }
}

/** How deep referrers of referrers are followed (a signature on an attestation is depth 2). */
export const MAX_REFERRER_DEPTH = 8;
/** At most this many related artifacts are copied for one image (a guard against cycles of junk). */
export const MAX_RELATED = 10_000;

/**
 * Copies the artifacts related to `digests` (already copied) from `src` to `dst`: tag-schema
 * artifacts with the given suffixes and OCI 1.1 referrers, recursively.
 */
export async function copyRelated(src: CopyEndpoint, dst: CopyEndpoint, digests: readonly string[], opts: { tagSuffixes: readonly string[]; merge?: Record<string, MergeTag> }): Promise<RelatedCopy> {
  const out: RelatedCopy = { tags: [], referrers: [] };
  const seen = new Set<string>(digests);
  let frontier = [...digests];
  for (let depth = 0; depth < MAX_REFERRER_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const subject of frontier) {
      for (const suffix of opts.tagSuffixes) {
        const tag = `${referrersTag(subject)}.${suffix}`;
        const incoming = await tryGetManifest(src.client, src.repository, tag);
        if (!incoming) continue;
        const merge = opts.merge?.[suffix];
        const existing = merge ? await tryGetManifest(dst.client, dst.repository, tag) : undefined;
        let copied: CopiedTag;
        if (merge && existing && existing.digest !== incoming.digest) {
          // The destination has its own signatures under this tag: keep them, add the source's.
          const result = await copyImage(src, dst, { reference: incoming.digest });
          const merged = await merge(dst, tag, incoming.body, existing);
          copied = merged ? { subject, tag, result, merged } : { subject, tag, result: await copyImage(src, dst, { reference: tag, tag }) };
        } else {
          copied = { subject, tag, result: await copyImage(src, dst, { reference: tag, tag }) };
        }
        const result = copied.result;
        out.tags.push(copied);
        if (!seen.has(result.digest)) {
          seen.add(result.digest);
          next.push(result.digest);
        }
      }
      const { manifests } = await getReferrers(src.client, src.repository, subject);
      for (const d of manifests) {
        if (seen.has(d.digest)) continue;
        // A fallback index may list manifests about another subject: trust the manifest's own field.
        if (subjectOf((await src.client.getManifest(src.repository, d.digest)).body) !== subject) continue;
        seen.add(d.digest);
        const result = await copyImage(src, dst, { reference: d.digest });
        const copied: CopiedReferrer = { subject, digest: result.digest, ...(result.artifactType ? { artifactType: result.artifactType } : {}), index: result.subjectAccepted ? 'api' : 'tag', result };
        if (!result.subjectAccepted) {
          const descriptor: Descriptor & { artifactType?: string } = { mediaType: result.mediaType, digest: result.digest, size: result.size, ...(result.artifactType ? { artifactType: result.artifactType } : {}), ...(result.annotations ? { annotations: result.annotations } : {}) };
          await addToReferrersTagIndex(dst.client, dst.repository, subject, descriptor);
          copied.tag = referrersTag(subject);
        }
        out.referrers.push(copied);
        next.push(result.digest);
      }
      if (out.tags.length + out.referrers.length > MAX_RELATED) return out;
    }
    frontier = next;
  }
  return out;
}
