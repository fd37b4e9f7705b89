/**
 * `docker save` archives (docker-archive:FILE[:REPO:TAG]): manifest.json names the config and
 * the layer files; layers are plain tars (legacy layout) or blobs (Docker 25+ OCI layout).
 */
import { PortcullisError } from '../core/index.js';
import { VerifyingStream, verifyBuffer } from './digest.js';
import { parseImageConfig, parseJson } from './manifest.js';
import { MAX_METADATA_BYTES, type ImageSource, type ResolvedImage } from './source.js';
import type { FileStore } from './store.js';

interface SaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function invalid(why: string): never {
  throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `Invalid docker-archive manifest.json: ${why}`, hint: 'Export the image again with `docker save` or `skopeo copy ... docker-archive:FILE`.' });
}

const BLOB_RE = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/;

export class DockerArchiveSource implements ImageSource {
  readonly transport = 'docker-archive' as const;

  constructor(
    private readonly store: FileStore,
    private readonly ref: string | undefined,
  ) {}

  get reference(): string {
    return `docker-archive:${this.store.location}${this.ref ? ':' + this.ref : ''}`;
  }

  async resolve(): Promise<ResolvedImage> {
    if (!(await this.store.exists('manifest.json'))) {
      throw new PortcullisError({ code: 'ARCHIVE_INVALID', message: `${this.store.location} is not a docker-archive (no manifest.json)`, hint: 'For OCI archives use oci-archive:FILE.' });
    }
    const doc = parseJson(await this.store.read('manifest.json', MAX_METADATA_BYTES), 'docker-archive manifest.json');
    if (!Array.isArray(doc) || doc.length === 0) invalid('expected a non-empty array');
    const entries = doc as SaveEntry[];
    for (const e of entries) {
      if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers) || e.Layers.some((l) => typeof l !== 'string')) invalid('entry without Config or Layers');
    }
    let entry: SaveEntry | undefined;
    if (this.ref) {
      const want = this.ref.includes(':') ? this.ref : `${this.ref}:latest`;
      entry = entries.find((e) => (e.RepoTags ?? []).some((t) => t === want || t === `docker.io/${want}` || t === `docker.io/library/${want}`));
      if (!entry && /^\d+$/.test(this.ref)) entry = entries[Number(this.ref)];
      if (!entry) {
        const tags = entries.flatMap((e) => e.RepoTags ?? []);
        throw new PortcullisError({ code: 'IMAGE_NOT_FOUND', message: `No image "${this.ref}" in ${this.store.location} (tags: ${tags.join(', ') || 'none'})`, hint: 'Use docker-archive:FILE:REPO:TAG with one of the listed tags.' });
      }
    } else {
      if (entries.length > 1) {
        throw new PortcullisError({ code: 'USAGE', message: `${this.store.location} holds ${entries.length} images`, hint: 'Name one: docker-archive:FILE:REPO:TAG.' });
      }
      entry = entries[0]!;
    }
    const configBuf = await this.store.read(entry.Config, MAX_METADATA_BYTES);
    const configDigest = this.digestFromName(entry.Config, 'sha256');
    if (configDigest) verifyBuffer(configBuf, configDigest, 'image config');
    const config = parseImageConfig(configBuf);
    if (config.rootfs.diff_ids.length !== entry.Layers.length) {
      invalid(`${entry.Layers.length} layers listed but the config has ${config.rootfs.diff_ids.length} diff_ids`);
    }
    const layers = await Promise.all(
      entry.Layers.map(async (path, index) => {
        const size = await this.store.size(path);
        if (size === undefined) {
          throw new PortcullisError({ code: 'BLOB_MISSING', message: `Layer file "${path}" is missing from ${this.store.location}`, hint: 'The archive is incomplete; export it again.' });
        }
        const digest = this.digestFromName(path);
        return {
          index,
          diffId: config.rootfs.diff_ids[index]!,
          size,
          ...(digest ? { descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size } } : {}),
          open: async () => {
            const s = this.store.stream(path);
            return digest ? s.pipe(new VerifyingStream(digest, `layer ${index} (${path})`, size)) : s;
          },
        };
      }),
    );
    const tagged = entry.RepoTags?.[0];
    const colon = tagged ? tagged.lastIndexOf(':') : -1;
    return {
      config,
      configDigest: configDigest ?? `sha256:${'0'.repeat(64)}`,
      layers,
      ...(tagged && colon > 0 ? { repository: tagged.slice(0, colon), tag: tagged.slice(colon + 1) } : {}),
    };
  }

  /** The digest a member's name implies (`blobs/sha256/<hex>` or `<hex>.json`). */
  private digestFromName(path: string, jsonAlg?: 'sha256'): string | undefined {
    const m = BLOB_RE.exec(path);
    if (m) return `${m[1]}:${m[2]}`;
    if (jsonAlg) {
      const j = /^([a-f0-9]{64})\.json$/.exec(path);
      if (j) return `${jsonAlg}:${j[1]}`;
    }
    return undefined;
  }

  async close(): Promise<void> {}
}
