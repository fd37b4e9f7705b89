/** `docker://` image source on the registry client. */
import { PortcullisError } from '../../core/index.js';
import { checkImageManifest, hostPlatform, parseImageConfig, parseManifestOrIndex, selectPlatform } from '../manifest.js';
import { layerCompression } from '../media-types.js';
import { formatDockerReference, type DockerReference } from '../reference.js';
import { MAX_METADATA_BYTES, type ImageSource, type ResolvedImage, type ResolveOptions } from '../source.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';

export class RegistrySource implements ImageSource {
  readonly transport = 'docker' as const;
  readonly client: RegistryClient;

  constructor(
    private readonly ref: DockerReference,
    opts: RegistryClientOptions,
  ) {
    this.client = new RegistryClient(ref.registry, opts);
  }

  get reference(): string {
    return `docker://${formatDockerReference(this.ref)}`;
  }

  async resolve(opts: ResolveOptions = {}): Promise<ResolvedImage> {
    const repo = this.ref.repository;
    let m = await this.client.getManifest(repo, this.ref.digest ?? this.ref.tag ?? 'latest');
    let parsed = parseManifestOrIndex(m.body, m.mediaType);
    let indexDigest: string | undefined;
    for (let depth = 0; parsed.kind === 'index' && depth < 3; depth++) {
      indexDigest = m.digest;
      const desc = selectPlatform(parsed.index, opts.platform ?? hostPlatform());
      m = await this.client.getManifest(repo, desc.digest);
      parsed = parseManifestOrIndex(m.body, m.mediaType || desc.mediaType);
    }
    if (parsed.kind !== 'manifest') throw new PortcullisError({ code: 'MANIFEST_INVALID', message: 'Nested indexes are too deep', hint: 'The image is malformed.' });
    const manifest = parsed.manifest;
    checkImageManifest(manifest, (t) => layerCompression(t) !== undefined);
    const config = parseImageConfig(await this.client.getBlob(repo, manifest.config.digest, MAX_METADATA_BYTES));
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `The manifest lists ${manifest.layers.length} layers but the config ${config.rootfs.diff_ids.length} diff_ids`, hint: 'The image is malformed.' });
    }
    return {
      manifestDigest: m.digest,
      manifest,
      ...(indexDigest ? { indexDigest } : {}),
      config,
      configDigest: manifest.config.digest,
      repository: `${this.ref.registry}/${repo}`,
      ...(this.ref.tag ? { tag: this.ref.tag } : {}),
      layers: manifest.layers.map((d, index) => ({
        index,
        descriptor: d,
        diffId: config.rootfs.diff_ids[index]!,
        size: d.size,
        open: () => this.client.openBlob(repo, d.digest, d.size),
      })),
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
