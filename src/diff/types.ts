/**
 * The shape of an image diff (`portcullis diff`): what changed between a "before" and an "after"
 * target. Pure data, serialised as-is into the JSON report (kind `portcullis-diff`, schema version
 * 1, see docs/diff-report.md and src/report/schemas/portcullis-diff-v1.schema.json).
 */
import type { PackageType, ArtifactInfo, OsInfo, FixState, SeverityInfo } from '../core/index.js';

export const DIFF_SCHEMA_VERSION = 1;
export const DIFF_KIND = 'portcullis-diff';

/** One side of the diff, as the report describes it. */
export interface DiffSide {
  reference: string;
  transport: ArtifactInfo['transport'];
  digest?: string;
  imageId?: string;
  platform?: ArtifactInfo['platform'];
  os?: OsInfo;
  /** Number of filesystem layers (0 for a rootfs directory). */
  layers: number;
  /** Sum of the compressed layer sizes, when every layer's size is known. */
  compressedSize?: number;
  /** Sum of the sizes of the regular files in the merged filesystem. */
  contentSize: number;
  packages: number;
}

export const PACKAGE_CHANGES = ['added', 'removed', 'upgraded', 'downgraded', 'changed'] as const;
/**
 * `upgraded`/`downgraded`: the version moved up/down under the ecosystem's own version scheme.
 * `changed`: the versions are not comparable under that scheme (or equal under it but spelled
 * differently), or only the architecture changed.
 */
export type PackageChangeKind = (typeof PACKAGE_CHANGES)[number];

/** A package instance as the diff reports it. */
export interface PackageState {
  version: string;
  purl: string;
  arch?: string;
  /** First location (absolute path in the image). */
  location?: string;
  /** diffID of the layer that brought it, when known. */
  layerDiffId?: string;
}

export interface PackageChange {
  change: PackageChangeKind;
  type: PackageType;
  name: string;
  before?: PackageState;
  after?: PackageState;
}

export const VULN_CHANGES = ['introduced', 'fixed', 'persistent'] as const;
export type VulnChangeKind = (typeof VULN_CHANGES)[number];

/** One vulnerability of one package, compared across the two targets. */
export interface VulnChange {
  change: VulnChangeKind;
  /** Primary id (the CVE when there is one). */
  id: string;
  aliases: string[];
  packageName: string;
  packageType: string;
  severity?: SeverityInfo;
  title?: string;
  /** Fix state on the side where the finding exists (the after side when it exists in both). */
  state: FixState;
  fixedVersions: string[];
  /**
   * Installed versions of the package on each side (all instances). On the after side of a
   * `fixed` entry, an empty list means the package is gone.
   */
  before: { installedVersions: string[] };
  after: { installedVersions: string[] };
}

export interface VulnDiff {
  /** `skipped`: advisory matching was turned off (`--no-vuln`); the lists are then empty. */
  status: 'matched' | 'skipped';
  /** Coverage statements from the matcher (e.g. no advisory data for a distro), per side. */
  notes: { side: 'before' | 'after'; message: string }[];
  /** True when matching ran on both sides and neither side reported a coverage gap. */
  complete: boolean;
  changes: VulnChange[];
}

export const FILE_FLAGS = ['setuid', 'setgid', 'world-writable'] as const;
export type FileFlag = (typeof FILE_FLAGS)[number];

/**
 * A path that gained (`added`) or lost (`removed`) a risky permission bit: setuid/setgid on
 * regular files, world-writable on files and directories. `flags` lists the bits gained or lost.
 */
export interface FileChange {
  change: 'added' | 'removed';
  /** Absolute path. */
  path: string;
  type: 'file' | 'dir';
  flags: FileFlag[];
  /** Permission bits (octal, 4 digits) on the side where the bits are set. */
  mode: string;
  uid: number;
  gid: number;
  /** A world-writable directory with the sticky bit (like /tmp): usual, not counted as a risk. */
  sticky?: true;
  /** Mode on the other side when the path exists there without the bits. */
  otherMode?: string;
  /** diffID of the layer that brought this version of the path, when known. */
  layerDiffId?: string;
}

export interface ValueChange<T> {
  before?: T;
  after?: T;
}

/** Added / removed / changed entries of a key–value map (env, labels). */
export interface MapDiff {
  added: { key: string; value: string; redacted?: true }[];
  removed: { key: string; value: string; redacted?: true }[];
  changed: { key: string; before: string; after: string; redacted?: true }[];
}

export interface ConfigDiff {
  user?: ValueChange<string>;
  entrypoint?: ValueChange<string[]>;
  cmd?: ValueChange<string[]>;
  workingDir?: ValueChange<string>;
  env: MapDiff;
  labels: MapDiff;
  exposedPorts: { added: string[]; removed: string[] };
  os?: ValueChange<string>;
  platform?: ValueChange<string>;
  layers: {
    before: number;
    after: number;
    /** Bottom layers with identical diffIDs on both sides. */
    shared: number;
  };
}

export interface DiffSummary {
  packages: Record<PackageChangeKind, number>;
  /** Absent when matching was skipped. */
  vulnerabilities?: Record<VulnChangeKind, number>;
  files: { added: number; removed: number; risky: number };
  /** Number of config fields that changed (each env/label/port entry counts once). */
  configChanges: number;
}

export interface ImageDiff {
  before: DiffSide;
  after: DiffSide;
  packages: PackageChange[];
  vulnerabilities: VulnDiff;
  files: FileChange[];
  config: ConfigDiff;
  summary: DiffSummary;
}
