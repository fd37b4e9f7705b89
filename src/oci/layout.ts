/**
 * OCI image layout (image-spec image-layout.md) in a directory (`oci:`) or a tar (`oci-archive:`).
 */
import { PortcullisError } from '../core/index.js';
import { VerifyingStream, verifyBuffer } from './digest.js';
import {
  checkImageManifest,
  hostPlatform,
  parseImageConfig,
  parseManifestOrIndex,
  selectPlatform,
  type Descriptor,
  type ImageIndex,
} from './manifest.js';
import { layerCompression, MEDIA_TYPES } from './media-types.js';
import { MAX_METADATA_BYTES, type ImageSource, type ResolvedImage, type ResolveOptions } from './source.js';
import { blobPath, type FileStore } from './store.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

export class OciLayoutSource implements ImageSource {
  constructor(
    private readonly store: FileStore,
    readonly transport: 'oci' | 'oci-archive',
    private readonly tag: string | undefined,
  ) {}

  get reference(): string {
    return `${this.transport}:${this.store.location}${this.tag ? ':' + this.tag : ''}`;
  }

  async readBlob(desc: Descriptor, what: string): Promise<Buffer> {
    const rel = blobPath(desc.digest);
    if (!(await this.store.exists(rel))) {
      throw new PortcullisError({ code: 'BLOB_MISSING', message: `The ${what} blob ${desc.digest} is missing from ${this.reference}`, hint: 'The image layout is incomplete; copy the image again with all its blobs.' });
    }
    const buf = await this.store.read(rel, Math.min(MAX_METADATA_BYTES, Math.max(desc.size, 0) || MAX_METADATA_BYTES));
    verifyBuffer(buf, desc.digest, `${what} ${desc.digest}`);
    return buf;
  }

  async resolve(opts: ResolveOptions = {}): Promise<ResolvedImage> {
    if (!(await this.store.exists('oci-layout'))) {
      throw new PortcullisError({ code: 'ARCHIVE_INVALID', message: `${this.reference} is not an OCI image layout (no oci-layout file)`, hint: 'For `docker save` output use docker-archive:FILE; for a directory tree use rootfs:PATH.' });
    }
    const indexBuf = await this.store.read('index.json', MAX_METADATA_BYTES);
    const top = parseManifestOrIndex(indexBuf, MEDIA_TYPES.ociIndex);
    if (top.kind !== 'index') throw new PortcullisError({ code: 'MANIFEST_INVALID', message: 'index.json is not an image index', hint: 'The layout is malformed.' });
    let entries = top.index.manifests;
    if (this.tag) {
      entries = entries.filter((m) => m.annotations?.[REF_NAME] === this.tag);
      if (entries.length === 0) {
        const tags = top.index.manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean);
        throw new PortcullisError({ code: 'IMAGE_NOT_FOUND', message: `No image tagged "${this.tag}" in ${this.store.location} (tags: ${tags.join(', ') || 'none'})`, hint: 'Pick one of the listed tags: oci:DIR:TAG.' });
      }
    } else if (entries.length > 1) {
      const distinct = new Set(entries.map((m) => m.digest));
      if (distinct.size > 1) {
        const tags = entries.map((m) => m.annotations?.[REF_NAME] ?? m.digest.slice(0, 19));
        throw new PortcullisError({ code: 'USAGE', message: `${this.store.location} holds ${entries.length} images (${tags.join(', ')})`, hint: 'Name one: oci:DIR:TAG.' });
      }
    }
    let desc = entries[0];
    if (!desc) throw new PortcullisError({ code: 'IMAGE_NOT_FOUND', message: `${this.store.location} holds no image`, hint: 'The layout is empty.' });
    let indexDigest: string | undefined;
    for (let depth = 0; depth < 4; depth++) {
      if (desc.mediaType === MEDIA_TYPES.ociIndex || desc.mediaType === MEDIA_TYPES.dockerManifestList) {
        const parsed = parseManifestOrIndex(await this.readBlob(desc, 'index'), desc.mediaType);
        if (parsed.kind !== 'index') break;
        indexDigest = desc.digest;
        desc = selectPlatform(parsed.index as ImageIndex, opts.platform ?? hostPlatform());
        continue;
      }
      break;
    }
    const parsed = parseManifestOrIndex(await this.readBlob(desc, 'manifest'), desc.mediaType);
    if (parsed.kind !== 'manifest') throw new PortcullisError({ code: 'MANIFEST_INVALID', message: 'Nested indexes are too deep', hint: 'The layout is malformed.' });
    const manifest = parsed.manifest;
    checkImageManifest(manifest, (t) => layerCompression(t) !== undefined);
    const config = parseImageConfig(await this.readBlob(manifest.config, 'config'));
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `The manifest lists ${manifest.layers.length} layers but the config ${config.rootfs.diff_ids.length} diff_ids`, hint: 'The image is malformed.' });
    }
    const layers = await Promise.all(
      manifest.layers.map(async (d, index) => {
        const rel = blobPath(d.digest);
        if (!(await this.store.exists(rel))) {
          throw new PortcullisError({ code: 'BLOB_MISSING', message: `Layer ${index} blob ${d.digest} is missing from ${this.reference}`, hint: 'The image layout is incomplete; copy the image again with all its blobs.' });
        }
        return {
          index,
          descriptor: d,
          diffId: config.rootfs.diff_ids[index]!,
          size: d.size,
          open: async () => this.store.stream(rel).pipe(new VerifyingStream(d.digest, `layer ${index} (${d.digest})`, d.size)),
        };
      }),
    );
    return {
      manifestDigest: desc.digest,
      manifest,
      ...(indexDigest ? { indexDigest } : {}),
      config,
      configDigest: manifest.config.digest,
      layers,
      ...(this.tag ? { tag: this.tag } : {}),
    };
  }

  async close(): Promise<void> {}
}

