/**
 * Builds small OCI image layouts from tar entries, for tests of hostile and broken input.
 * Real formats throughout: tar-stream writes the tars, zlib the gzip, files the layout.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

export function sha256(b: Buffer): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

export async function makeTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), mtime: new Date(0), ...(e.linkname ? { linkname: e.linkname } : {}) };
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') p.entry(header, content ?? Buffer.alloc(0), cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface LayerSpec {
  /** The stored blob (compressed or not). */
  blob: Buffer;
  /** diffID recorded in the config (default: sha256 of the uncompressed tar if `tar` given, else of blob). */
  diffId?: string;
  tar?: Buffer;
  mediaType?: string;
  /** Do not write the blob file. */
  omit?: boolean;
  /** Write these bytes instead of `blob` under blob's digest. */
  tamperedBytes?: Buffer;
}

export function gzLayer(tar: Buffer): LayerSpec {
  return { blob: gzipSync(tar), tar };
}

export interface LayoutSpec {
  layers: LayerSpec[];
  tag?: string;
  configMediaType?: string;
  manifestText?: string;
  config?: Record<string, unknown>;
}

function writeBlob(dir: string, b: Buffer): string {
  const d = sha256(b);
  writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), b);
  return d;
}

/** Writes an OCI layout and returns the `oci:DIR:TAG` reference. */
export function writeOciLayout(dir: string, spec: LayoutSpec): string {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers = spec.layers.map((l) => {
    const digest = sha256(l.blob);
    if (!l.omit) writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), l.tamperedBytes ?? l.blob);
    return { mediaType: l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: l.blob.length, diffId: l.diffId ?? sha256(l.tar ?? l.blob) };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `test layer ${i}` })),
      ...spec.config,
    }),
  );
  const configDigest = writeBlob(dir, config);
  const manifest = Buffer.from(
    spec.manifestText ??
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: spec.configMediaType ?? 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
      }),
  );
  const manifestDigest = writeBlob(dir, manifest);
  const tag = spec.tag ?? 'test';
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return `oci:${dir}:${tag}`;
}
