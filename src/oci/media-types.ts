/** Media types of the OCI image spec and Docker's schema 2. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type LayerCompression = 'gzip' | 'zstd' | 'none' | 'detect';

const LAYER_TYPES: Record<string, LayerCompression> = {
  [MEDIA_TYPES.ociLayer]: 'none',
  [MEDIA_TYPES.ociLayerGzip]: 'gzip',
  [MEDIA_TYPES.ociLayerZstd]: 'zstd',
  [MEDIA_TYPES.ociLayerNondistributable]: 'none',
  [MEDIA_TYPES.ociLayerNondistributableGzip]: 'gzip',
  [MEDIA_TYPES.ociLayerNondistributableZstd]: 'zstd',
  [MEDIA_TYPES.dockerLayerGzip]: 'gzip',
  [MEDIA_TYPES.dockerLayerForeignGzip]: 'gzip',
  // docker save writes plain tars and leaves the type to the reader.
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
};

/** Compression implied by a layer media type, or undefined when the type is not a layer type we know. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYER_TYPES[mediaType];
}

export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifest,
].join(', ');
