/**
 * Domain types shared by every module. Pure data: no IO here.
 */
import type { PackageType } from './package-types.js';

/** Where a layer sits in an image and how it got there. */
export interface LayerInfo {
  /** Index from the bottom (0 = base layer). */
  index: number;
  /** Digest of the blob as stored (compressed), when known. */
  digest?: string;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  /** `created_by` of the matching non-empty history entry, when the config records it. */
  createdBy?: string;
  /** Compressed size in bytes, when known. */
  size?: number;
}

/** A place where a package (or file) was found. */
export interface Location {
  /** Path inside the image, always absolute (`/var/lib/dpkg/status`). */
  path: string;
  /** diffID of the layer that brought the file (absent for rootfs directory scans). */
  layerDiffId?: string;
  /** Compressed digest of that layer, when known. */
  layerDigest?: string;
}

/** One package found in an image or directory. */
export interface Package {
  /**
   * Stable id within one result: derived from purl and first location, see `packageId` in
   * `catalog/assemble.ts`.
   */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  /** Package URL (https://github.com/package-url/purl-spec). */
  purl: string;
  /** Which cataloger found it (`dpkg`, `npm-lock`, …). */
  foundBy: string;
  /** SPDX license ids or expressions where known; raw strings otherwise. */
  licenses: string[];
  locations: Location[];
  /** Source package name and version (dpkg, rpm, apk origin) when different or recorded. */
  source?: { name: string; version?: string };
  /** Architecture, for OS packages. */
  arch?: string;
  /** Files the package owns (dpkg info/*.list, rpm file lists, apk), absolute paths. */
  files?: string[];
  /** Ecosystem-specific extras (namespace, group id, dev flag, …), flat strings. */
  metadata?: Record<string, string>;
  /** Ids (within the same result) of packages this one depends on. */
  dependsOn?: string[];
}

/** The operating system the image is based on. */
export interface OsInfo {
  /** os-release ID (`debian`, `alpine`, `rhel`, `ubuntu`, …). */
  id: string;
  /** VERSION_ID (`12`, `3.20.3`). */
  versionId?: string;
  /** VERSION_CODENAME (`bookworm`). */
  codename?: string;
  /** PRETTY_NAME. */
  prettyName?: string;
  /** ID_LIKE values. */
  idLike?: string[];
}

/** A file that a cataloger wanted but could not parse: reported, never fatal. */
export interface Unknown {
  path: string;
  layerDiffId?: string;
  cataloger: string;
  reason: string;
}

/** Description of the scanned artifact. */
export interface ArtifactInfo {
  /** What the user typed, normalised (`docker://127.0.0.1:5000/app:1`). */
  reference: string;
  transport: 'docker' | 'oci' | 'oci-archive' | 'docker-archive' | 'rootfs' | 'sbom';
  /** Repository name without tag/digest when there is one (`127.0.0.1:5000/app`). */
  repository?: string;
  tag?: string;
  /** Manifest digest. */
  digest?: string;
  /** Config digest (image id). */
  imageId?: string;
  platform?: { os: string; architecture: string; variant?: string };
  layers: LayerInfo[];
  /** Image config `config` section subset. */
  config?: ImageConfigSummary;
  created?: string;
}

export interface ImageConfigSummary {
  user?: string;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

/** The result of cataloguing one artifact. */
export interface CatalogResult {
  artifact: ArtifactInfo;
  os?: OsInfo;
  packages: Package[];
  unknowns: Unknown[];
}
