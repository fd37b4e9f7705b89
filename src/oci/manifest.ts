/**
 * Manifests, indexes and image configs (OCI image-spec v1.1 and Docker schema 2), validated on read.
 */
import { PortcullisError } from '../core/index.js';
import { MEDIA_TYPES } from './media-types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string> | null;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

function bad(what: string, why: string): never {
  throw new PortcullisError({
    code: 'MANIFEST_INVALID',
    message: `Invalid ${what}: ${why}`,
    hint: 'The image metadata is malformed; re-push or re-export the image.',
  });
}

export function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    return bad(what, `not JSON (${(err as Error).message})`);
  }
}

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && DIGEST_RE.test(s);
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  if (typeof d !== 'object' || d === null) bad(what, 'descriptor is not an object');
  const o = d as Record<string, unknown>;
  if (typeof o.mediaType !== 'string') bad(what, 'descriptor has no mediaType');
  if (!isDigest(o.digest)) bad(what, `descriptor digest "${String(o.digest)}" is not a valid sha256/sha512 digest`);
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) bad(what, 'descriptor size is not a non-negative integer');
  return o as unknown as Descriptor;
}

export type ManifestOrIndex = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

/** Parses a manifest or index, given the media type announced by the transport (may be empty). */
export function parseManifestOrIndex(buf: Buffer, announced?: string): ManifestOrIndex {
  const doc = parseJson(buf, 'manifest');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('manifest', 'not a JSON object');
  const o = doc as Record<string, unknown>;
  const mediaType = (typeof o.mediaType === 'string' ? o.mediaType : undefined) ?? announced ?? '';
  if (o.schemaVersion === 1 || mediaType === MEDIA_TYPES.dockerManifestV1Signed) {
    throw new PortcullisError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Docker schema 1 manifests are not supported',
      hint: 'Re-push the image with a current client (schema 2 / OCI), e.g. `skopeo copy --format oci`.',
    });
  }
  if (o.schemaVersion !== 2) bad('manifest', `schemaVersion is ${JSON.stringify(o.schemaVersion)}, expected 2`);
  const isIndex =
    mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList || (mediaType === '' && Array.isArray(o.manifests));
  if (isIndex) {
    if (!Array.isArray(o.manifests)) bad('index', 'manifests is not an array');
    o.manifests.forEach((m, i) => checkDescriptor(m, `index entry ${i}`));
    return { kind: 'index', index: o as unknown as ImageIndex };
  }
  if (mediaType !== '' && mediaType !== MEDIA_TYPES.ociManifest && mediaType !== MEDIA_TYPES.dockerManifest) {
    throw new PortcullisError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Unsupported manifest media type "${mediaType}"`,
      hint: 'Only OCI and Docker schema 2 image manifests and indexes can be scanned.',
    });
  }
  checkDescriptor(o.config, 'manifest config');
  if (!Array.isArray(o.layers)) bad('manifest', 'layers is not an array');
  o.layers.forEach((l, i) => checkDescriptor(l, `layer ${i}`));
  return { kind: 'manifest', manifest: o as unknown as ImageManifest };
}

export function parseImageConfig(buf: Buffer): ImageConfig {
  const doc = parseJson(buf, 'image config');
  if (typeof doc !== 'object' || doc === null) bad('image config', 'not a JSON object');
  const o = doc as Record<string, unknown>;
  const rootfs = o.rootfs as Record<string, unknown> | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) bad('image config', 'rootfs.diff_ids is missing');
  for (const d of rootfs.diff_ids) if (!isDigest(d)) bad('image config', `diff_id "${String(d)}" is not a digest`);
  return o as unknown as ImageConfig;
}

/** The platform of this process, in OCI terms. */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new PortcullisError({ code: 'USAGE', message: `Invalid platform "${s}"`, hint: 'Use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8.' });
  }
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`;
}

/** Picks the manifest for a platform from an index; attestation manifests (`unknown/unknown`) never match. */
export function selectPlatform(index: ImageIndex, want: Platform): Descriptor {
  const candidates = index.manifests.filter(
    (m) => m.mediaType === MEDIA_TYPES.ociManifest || m.mediaType === MEDIA_TYPES.dockerManifest || m.mediaType === MEDIA_TYPES.ociIndex || m.mediaType === MEDIA_TYPES.dockerManifestList,
  );
  const match = (m: Descriptor, strictVariant: boolean) =>
    m.platform !== undefined &&
    m.platform.os === want.os &&
    m.platform.architecture === want.architecture &&
    (!strictVariant || want.variant === undefined || m.platform.variant === want.variant);
  const hit = candidates.find((m) => match(m, true)) ?? (want.variant ? undefined : candidates.find((m) => match(m, false)));
  if (hit) return hit;
  // A single manifest without platform data is the image.
  const plain = candidates.filter((m) => m.platform === undefined);
  if (plain.length === 1 && candidates.length === 1) return plain[0]!;
  const available = candidates.map((m) => (m.platform ? formatPlatform(m.platform) : 'unspecified')).join(', ');
  throw new PortcullisError({
    code: 'PLATFORM_NOT_FOUND',
    message: `No image for platform ${formatPlatform(want)} in the index (available: ${available || 'none'})`,
    hint: 'Choose one of the available platforms with --platform OS/ARCH[/VARIANT].',
  });
}

const IMAGE_CONFIG_TYPES = new Set<string>([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);

/**
 * Checks that a manifest describes a container image: an image config and layers of a tar
 * media type. Artifacts (Helm charts, WASM, signatures) are refused with UNSUPPORTED_MEDIA_TYPE.
 */
export function checkImageManifest(m: ImageManifest, layerTypeKnown: (t: string) => boolean): void {
  if (!IMAGE_CONFIG_TYPES.has(m.config.mediaType)) {
    throw new PortcullisError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Not a container image: config media type is "${m.config.mediaType}"`,
      hint: 'This reference points at an OCI artifact (e.g. a Helm chart or signature), not an image.',
    });
  }
  m.layers.forEach((l, i) => {
    if (!layerTypeKnown(l.mediaType)) {
      throw new PortcullisError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `Layer ${i} has unsupported media type "${l.mediaType}"`,
        hint: 'Only tar layers (plain, gzip or zstd) can be read; this image may be an artifact or use a foreign layer format.',
      });
    }
  });
}
