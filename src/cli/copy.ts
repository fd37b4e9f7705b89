/**
 * `portcullis copy SRC DST`: promote an image between registries or repositories by digest, with
 * its cosign signatures, attestations and SBOM tags (`sha256-<hex>.sig|.att|.sbom`) and its OCI 1.1
 * referrers (Sigstore bundles as `sign`/`attest --registry-referrers-mode oci-1-1` write them),
 * recursively (a signature on an attestation comes along too).
 *
 * The signatures stay valid at the destination: they bind the manifest digest, which a copy
 * keeps. Their `docker-reference` still names the source repository (as with `cosign copy`);
 * `verify` checks the digest binding, not the reference.
 */
import { Command } from 'commander';
import {
  parseManifestOrIndex,
  copyImage,
  type CopyResult,
  copyRelated,
  type MergeTag,
  type RelatedCopy,
} from '../oci/index.js';
import { mergeCosignImage } from '../attest/index.js';
import { writeOutput } from './output.js';
import { outputOption } from './sign.js';
import { addRegistryOptions, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

/** Whether a reference names a tag itself (parsing adds `latest` when it does not). */
function hasExplicitTag(raw: string): boolean {
  const s = raw.replace(/^docker:\/\//, '').split('@')[0]!;
  return s.lastIndexOf(':') > s.lastIndexOf('/');
}

const ARTIFACT_KINDS = ['sig', 'att', 'sbom'] as const;

interface CopyFlags extends RegistryFlags {
  srcCreds?: string;
  destCreds?: string;
  signatures: boolean;
  output: 'text' | 'json';
}

export function copyCommand(): Command {
  const cmd = new Command('copy')
    .description('Copy an image by digest (blobs, manifest, index children) with its .sig/.att/.sbom tags and OCI 1.1 referrers (recursively) to another registry or repository')
    .argument('<src>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .argument('<dst>', 'docker://REGISTRY/REPO[:TAG] (the tag defaults to the source tag)')
    .option('--src-creds <user:password>', 'credentials for the source registry')
    .option('--dest-creds <user:password>', 'credentials for the destination registry')
    .option('--no-signatures', 'copy the image only, without its .sig/.att/.sbom tags and referrers')
    .addOption(outputOption());
  addRegistryOptions(cmd);
  cmd.action(async (srcArg: string, dstArg: string, flags: CopyFlags) => {
    const srcRef = registryReference(srcArg, 'copy');
    const dstRef = registryReference(dstArg, 'copy');
    const srcClient = registryClientFor(srcRef, flags, flags.srcCreds);
    const dstClient = srcRef.registry === dstRef.registry && !flags.srcCreds && !flags.destCreds ? srcClient : registryClientFor(dstRef, flags, flags.destCreds);
    const src = { client: srcClient, repository: srcRef.repository };
    const dst = { client: dstClient, repository: dstRef.repository };
    try {
      // A destination written without a tag gets the source's tag; a digest-only source gets none.
      const dstTag = hasExplicitTag(dstArg) ? dstRef.tag : dstRef.digest || (srcRef.digest && !hasExplicitTag(srcArg)) ? undefined : srcRef.tag;
      const image = await copyImage(src, dst, { reference: srcRef.digest ?? srcRef.tag ?? 'latest', ...(dstTag ? { tag: dstTag } : {}) });
      let related: RelatedCopy = { tags: [], referrers: [] };
      if (flags.signatures) {
        const digests = [image.digest];
        const top = await srcClient.getManifest(srcRef.repository, image.digest);
        const parsed = parseManifestOrIndex(top.body, top.mediaType);
        if (parsed.kind === 'index') digests.push(...parsed.index.manifests.map((m) => m.digest));
        const merge: MergeTag = async (d, tag, incoming, existing) => mergeCosignImage(d.client, { repo: d.repository, tag, incoming, existing });
        related = await copyRelated(src, dst, digests, { tagSuffixes: ARTIFACT_KINDS, merge: { sig: merge, att: merge } });
      }
      const dest = `${dstRef.registry}/${dstRef.repository}`;
      const artifacts = related.tags.map((t) => ({ tag: t.tag, subject: t.subject, result: t.result, ...(t.merged ? { merged: t.merged } : {}) }));
      const referrers = related.referrers.map((r) => ({ digest: r.digest, subject: r.subject, ...(r.artifactType ? { artifactType: r.artifactType } : {}), index: r.index, ...(r.tag ? { tag: r.tag } : {}), result: r.result }));
      if (flags.output === 'json') {
        const summary = { tags: artifacts.length, referrers: referrers.length };
        const doc = { schemaVersion: 1, source: `${srcRef.registry}/${srcRef.repository}`, destination: dest, digest: image.digest, ...(dstTag ? { tag: dstTag } : {}), signatures: flags.signatures, image, artifacts, referrers, copied: summary };
        await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
      } else {
        const n = (r: CopyResult) => `${r.blobsCopied} copied, ${r.blobsMounted} mounted, ${r.blobsSkipped} present`;
        process.stderr.write(`Copied ${dest}@${image.digest}${dstTag ? ` (tag ${dstTag})` : ''}: ${image.manifests} manifest${image.manifests === 1 ? '' : 's'}, blobs ${n(image)}\n`);
        for (const a of artifacts) process.stderr.write(`Copied ${dest}:${a.tag}: blobs ${n(a.result)}${a.merged ? `; merged into the destination's (${a.merged.added} added, its own kept)` : ''}\n`);
        for (const r of referrers) process.stderr.write(`Copied referrer ${dest}@${r.digest}${r.artifactType ? ` (${r.artifactType})` : ''} of ${r.subject}; ${r.index === 'api' ? 'indexed by the registry' : `listed in ${dest}:${r.tag}`}\n`);
        if (flags.signatures) process.stderr.write(`Signatures and attestations: ${artifacts.length} tag${artifacts.length === 1 ? '' : 's'}, ${referrers.length} referrer${referrers.length === 1 ? '' : 's'} copied\n`);
        else process.stderr.write('Signatures, attestations and referrers not copied (--no-signatures)\n');
      }
    } finally {
      await srcClient.close();
      if (dstClient !== srcClient) await dstClient.close();
    }
  });
  return cmd;
}
