/** `portcullis inspect <image>`: manifest, config and layers of an image, without reading layers. */
import { Command } from 'commander';
import { PortcullisError } from '../core/index.js';
import { openImageSource, parseImageReference } from '../oci/index.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';

export function inspectCommand(): Command {
  const cmd = new Command('inspect')
    .description('Show the manifest digest, config and layers of an image (reads no layer)')
    .argument('<image>', 'docker://REF, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG]')
    .option('-o, --output <file>', 'write to a file instead of stdout');
  addImageOptions(cmd);
  cmd.action(async (target: string, flags: ImageFlags & { output?: string }) => {
    const ref = parseImageReference(target);
    if (ref.transport === 'rootfs') throw new PortcullisError({ code: 'USAGE', message: 'inspect needs an image, not a directory', hint: 'Use `portcullis sbom rootfs:PATH` for directories.' });
    const opts = imageOptionsFrom(flags);
    const source = await openImageSource(ref, opts);
    try {
      const image = await source.resolve(opts.platform ? { platform: opts.platform } : {});
      const c = image.config;
      const doc = {
        reference: source.reference,
        ...(image.repository ? { repository: image.repository } : {}),
        ...(image.tag ? { tag: image.tag } : {}),
        ...(image.manifestDigest ? { digest: image.manifestDigest } : {}),
        ...(image.indexDigest ? { indexDigest: image.indexDigest } : {}),
        ...(image.manifest?.mediaType ? { mediaType: image.manifest.mediaType } : {}),
        imageId: image.configDigest,
        platform: [c.os, c.architecture, c.variant].filter(Boolean).join('/'),
        ...(c.created ? { created: c.created } : {}),
        config: c.config ?? {},
        layers: image.layers.map((l) => ({ ...(l.descriptor ? { digest: l.descriptor.digest, mediaType: l.descriptor.mediaType } : {}), ...(l.size !== undefined ? { size: l.size } : {}), diffId: l.diffId })),
        history: c.history ?? [],
      };
      await writeOutput(JSON.stringify(doc, null, 2) + '\n', flags.output);
    } finally {
      await source.close();
    }
  });
  return cmd;
}
