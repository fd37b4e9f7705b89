/**
 * Multi-platform images: an OCI image index with linux/amd64 and linux/arm64/v8 images, read from
 * the layout and from a real registry (pushed with `skopeo copy --all`), selected with --platform.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzLayer, makeTar, sha256 } from './support/oci-builder.js';
import { startRegistry, type Registry } from './support/registry.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let work: string;
let layout: string;
let registry: Registry;

function blob(dir: string, b: Buffer): string {
  const d = sha256(b);
  writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), b);
  return d;
}

async function image(dir: string, arch: string, variant?: string) {
  const tar = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/os-release', content: `ID=alpine\nVERSION_ID=3.19.${arch === 'amd64' ? 0 : 1}\n` },
    { name: 'lib/apk/db/', type: 'directory' },
    { name: 'lib/apk/db/installed', content: `P:musl\nV:1.2.4-r2\nA:${arch === 'amd64' ? 'x86_64' : 'aarch64'}\nL:MIT\no:musl\n\n` },
  ]);
  const layer = gzLayer(tar);
  const layerDigest = blob(dir, layer.blob);
  const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', ...(variant ? { variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, history: [{ created_by: 'test' }] }));
  const configDigest = blob(dir, config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.blob.length }] }));
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: blob(dir, manifest), size: manifest.length, platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) } };
}

function sbom(target: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [CLI, 'sbom', target, '--format', 'json', '--quiet', '--no-cache', ...extra], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, doc: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-platform-'));
  layout = join(work, 'multi');
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [await image(layout, 'amd64'), await image(layout, 'arm64', 'v8')];
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const indexDigest = blob(layout, index);
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }));
  registry = await startRegistry();
  // --all copies every platform of the index (skopeo copies one by default).
  const push = spawnSync('skopeo', ['copy', '-q', '--all', '--dest-tls-verify=false', `oci:${layout}:multi`, `docker://${registry.host}/multi/app:1`], { encoding: 'utf8' });
  if (push.status !== 0) throw new Error(`skopeo push failed: ${push.stderr}`);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.each([
  ['oci layout', () => `oci:${layout}:multi`],
  ['registry', () => `docker://${registry.host}/multi/app:1`],
])('multi-platform index via %s', (_name, target) => {
  it('defaults to this machine’s platform (linux/amd64)', () => {
    const r = sbom(target());
    expect(r.status).toBe(0);
    expect(r.doc.artifact.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(r.doc.packages[0].purl).toBe('pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.0');
  });

  it('--platform linux/arm64/v8 selects the arm64 image', () => {
    const r = sbom(target(), ['--platform', 'linux/arm64/v8']);
    expect(r.status).toBe(0);
    expect(r.doc.artifact.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(r.doc.packages[0].arch).toBe('aarch64');
  });

  it('an absent platform is a clear error listing what exists', () => {
    const r = sbom(target(), ['--platform', 'linux/s390x']);
    expect(r).toFailWith('PLATFORM_NOT_FOUND', { naming: ['linux/s390x', 'linux/amd64', 'linux/arm64/v8'] });
  });
});
