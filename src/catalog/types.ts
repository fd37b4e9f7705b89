/**
 * The cataloger contract. A cataloger says which files it wants (cheaply, from path/mode/size),
 * parses each wanted file into a JSON-serialisable fact (cached per layer, so it must depend on
 * the file's bytes only), and finally assembles the facts that survive in the merged view of all
 * layers into packages.
 */
import type { PackageType, LayerInfo, OsInfo } from '../core/index.js';

export const CATALOGER_TAGS = ['os', 'language', 'image', 'directory', 'installed', 'declared'] as const;
export type CatalogerTag = (typeof CATALOGER_TAGS)[number];

/** A regular file seen during the layer walk, before its content is read. */
export interface FileCandidate {
  /** Path relative to the root, no leading slash, no `./` (e.g. `var/lib/dpkg/status`). */
  path: string;
  /** Unix permission bits and file type bits as in the tar header (e.g. 0o100755). */
  mode: number;
  /** Size in bytes. */
  size: number;
}

/** A wanted file with its content. */
export interface CatalogFile extends FileCandidate {
  content: Buffer;
}

/** One parsed file that survives in the merged view. */
export interface Fact<F> {
  /** Path relative to the root, no leading slash. */
  path: string;
  /** Index of the layer that brought this version of the file (0 = bottom). */
  layer: number;
  value: F;
}

/** An entry of the merged filesystem view. */
export interface ViewEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  uid: number;
  gid: number;
  /** Symlink or hardlink target as recorded (hardlink targets are root-relative). */
  linkname?: string;
  layer: number;
}

export interface AssembleContext<F> {
  /** Detected operating system, when any. */
  os?: OsInfo;
  layers: readonly LayerInfo[];
  /**
   * Facts this cataloger parsed for the same path in lower layers, oldest first, stopping at
   * a deletion (whiteout) — for attributing a package to the layer that introduced it.
   */
  history(path: string): Fact<F>[];
  /** The fact of this cataloger at `path` in the merged view, following symlinks. */
  factAt(path: string): Fact<F> | undefined;
  /** The merged-view entry at `path` (no symlink following). */
  entry(path: string): ViewEntry | undefined;
}

/** A package as a cataloger reports it; the framework adds ids and layer digests. */
export interface PackageDraft {
  name: string;
  version: string;
  type: PackageType;
  purl: string;
  licenses: string[];
  /** Where it was found: root-relative path (no leading slash) and layer index. */
  locations: { path: string; layer: number }[];
  source?: { name: string; version?: string };
  arch?: string;
  /** Owned files, absolute paths (`/usr/bin/x`). */
  files?: string[];
  metadata?: Record<string, string>;
  /** Key unique among this cataloger's drafts, used by `dependsOn`. */
  key?: string;
  /** Keys of drafts (of the same cataloger) this package depends on. */
  dependsOn?: string[];
}

export interface Cataloger<F = unknown> {
  /** Stable id, kebab-case (`dpkg`, `npm-lock`, `python-installed`). */
  readonly id: string;
  /** Bump when `parse` output changes: part of the layer-cache key. */
  readonly version: number;
  readonly tags: readonly CatalogerTag[];
  /** Largest file this cataloger buffers; larger wanted files become unknowns. Default 64 MiB. */
  readonly maxFileSize?: number;
  /** Whether this file is wanted. Called for every regular file: must be cheap. */
  wants(file: FileCandidate): boolean;
  /** Optional check on the first bytes (up to 64 KiB) before buffering the rest. */
  sniff?(head: Buffer): boolean;
  /**
   * Parse one file. Returns a JSON-serialisable fact, or `null` when the file holds nothing of
   * interest. Throwing records the file as an unknown (with the message as reason), never fails the scan.
   */
  parse(file: CatalogFile): F | null;
  /** Turn the facts that survive in the merged view into packages. */
  assemble(facts: Fact<F>[], ctx: AssembleContext<F>): PackageDraft[];
}

/** Helper for typing: declare a cataloger with its fact type inferred. */
export function defineCataloger<F>(c: Cataloger<F>): Cataloger<F> {
  return c;
}
