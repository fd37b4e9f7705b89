/**
 * Loading Kubernetes manifests with source positions: YAML or JSON files, directories, stdin;
 * multi-document streams, `List` kinds and Helm/Kustomize-rendered output. Every object keeps its
 * parsed document so any field path can be turned back into a file line and column.
 *
 * Bad input is data: a file or document that cannot be read or parsed becomes an `unknown` entry
 * with the reason and, where known, the line — the rest of the input is still checked. Files are
 * capped in size and YAML aliases are capped in number (alias bombs).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDockerfileName } from '../dockerfile/parse.js';
import {
  DEFAULT_MAX_ALIAS_COUNT,
  DEFAULT_MAX_FILE_BYTES,
  isDockerfile,
  linePosition,
  MANIFEST_EXTENSIONS,
  parseManifestFile,
  parseManifestText,
  type ManifestUnknown,
  type ParsedInput,
  type ParseLimits,
} from './_parse-manifests.js';
import { parseFilesInParallel, parseWorkerCount, type ParseTask } from './_parse-pool.js';
import type { FieldPath } from './pss/types.js';
import { isRecord } from '../../core/index.js';

export { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_FILE_BYTES, type ManifestUnknown };

export interface ManifestObject {
  /** Display path of the file (`-` input is `<stdin>`). */
  file: string;
  /** 0-based index of the YAML document in the file. */
  docIndex: number;
  /** Where the object sits in its document: `[]`, or `['items', 3]` inside a `List`. */
  base: FieldPath;
  value: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** Resolves a field path (relative to `base`) to a 1-based line and column. */
  locate(path: FieldPath): SourcePosition;
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface LoadResult {
  objects: ManifestObject[];
  unknowns: ManifestUnknown[];
  /** Files read (including stdin). */
  files: number;
  /** Documents that were not Kubernetes objects (no apiVersion/kind), or empty. */
  skippedDocuments: number;
  /**
   * Dockerfiles met on the way (for the dockerfile rule set): in directories by name
   * (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`); given explicitly, by name or when the first
   * instruction is FROM or ARG.
   */
  dockerfiles: { file: string; text: string }[];
}

export interface LoadOptions {
  /** Largest file read, in bytes (default 32 MiB). */
  maxFileBytes?: number;
  /** Largest number of alias dereferences per document (default 100). */
  maxAliasCount?: number;
  /** Reads stdin for the `-` target. */
  readStdin?: () => Promise<string>;
  /**
   * Worker threads that parse large inputs (more than `PARALLEL_MIN_FILES` files) besides the
   * calling thread; default one per further core, up to 3, when the bundled worker is there.
   * 0 parses in the calling thread only.
   */
  parseWorkers?: number;
  /** The parse worker script (default `manifest-worker.js` next to the bundled CLI). */
  parseWorkerUrl?: URL;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * The position of the deepest field of `path` present in the document (its start when none is).
 * Keys are the path joined with NUL (see `indexPositions`), tried from the whole path down.
 */
function locateIn(doc: ParsedDocument, lineStarts: readonly number[], path: FieldPath): SourcePosition {
  let at = doc.root;
  if (path.length > 0) {
    let key = String(path[0]);
    for (let i = 1; i < path.length; i++) key = `${key}\0${path[i]}`;
    let hit = doc.positions.get(key);
    if (hit === undefined) {
      // Shorter prefixes, by their exact lengths (a key may itself contain NUL).
      let end = key.length;
      for (let i = path.length - 1; i > 0 && hit === undefined; i--) {
        end -= String(path[i]).length + 1;
        hit = doc.positions.get(key.slice(0, end));
      }
    }
    if (hit !== undefined) at = hit;
  }
  const p = linePosition(lineStarts, at);
  return { line: p.line, column: p.col };
}

type ParsedDocument = ParsedInput['documents'][number];

function emptyResult(): LoadResult {
  return { objects: [], unknowns: [], files: 0, skippedDocuments: 0, dockerfiles: [] };
}

/** Adds a parsed input to a result: its objects get their names and `locate`. */
function addParsed(into: LoadResult, p: ParsedInput): void {
  into.files += p.files;
  into.skippedDocuments += p.skippedDocuments;
  for (const u of p.unknowns) into.unknowns.push(u);
  for (const d of p.dockerfiles) into.dockerfiles.push(d);
  const { file, lineStarts } = p;
  for (const doc of p.documents) {
    for (const { base, value } of doc.objects) {
      const meta = isRecord(value.metadata) ? value.metadata : {};
      into.objects.push({
        file,
        docIndex: doc.docIndex,
        base,
        value,
        apiVersion: value.apiVersion as string,
        kind: value.kind as string,
        name: typeof meta.name === 'string' ? meta.name : '',
        namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
        locate: base.length === 0 ? (path) => locateIn(doc, lineStarts, path) : (path) => locateIn(doc, lineStarts, [...base, ...path]),
      });
    }
  }
}

function limitsOf(opts: LoadOptions): ParseLimits {
  return { maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, maxAliasCount: opts.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT };
}

/** Parses one file's text into objects; never throws for bad content. */
export function loadManifestText(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const r = emptyResult();
  addParsed(r, parseManifestText(text, file, limitsOf(opts)));
  return r;
}

/** What loading a target yields, in input order: a file to parse, or a result known already. */
type Step = { task: ParseTask } | { parsed: ParsedInput } | { unknown: ManifestUnknown };

function walk(dir: string, steps: Step[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    steps.push({ unknown: { file: dir, reason: `Cannot read directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}` } });
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) walk(p, steps);
    } else if ((e.isFile() || e.isSymbolicLink()) && (MANIFEST_EXTENSIONS.test(e.name) || isDockerfileName(e.name))) {
      steps.push({ task: { path: p, explicit: false } }); // symlinked directories are not followed (no loops)
    }
  }
}

/**
 * Loads every target: a file (any name), a directory (its `.yaml`, `.yml` and `.json` files,
 * recursively, hidden directories and node_modules skipped) or `-` for stdin. A missing target
 * is an unknown entry too; the caller decides whether that is fatal. Large inputs are parsed on
 * worker threads (`_parse-pool.ts`); the result is the same either way.
 */
export async function loadManifests(targets: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const limits = limitsOf(opts);
  const steps: Step[] = [];
  for (const t of targets) {
    if (t === '-') {
      const text = opts.readStdin ? await opts.readStdin() : '';
      const max = limits.maxFileBytes;
      if (Buffer.byteLength(text) > max) steps.push({ unknown: { file: '<stdin>', reason: `Input is more than the ${max}-byte limit` } });
      else if (isDockerfile('<stdin>', text, true)) steps.push({ parsed: { file: '<stdin>', files: 1, unknowns: [], skippedDocuments: 0, dockerfiles: [{ file: '<stdin>', text }], documents: [], lineStarts: [] } });
      else steps.push({ parsed: parseManifestText(text, '<stdin>', limits) });
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(t).isDirectory();
    } catch (err) {
      steps.push({ unknown: { file: t, reason: `Cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` } });
      continue;
    }
    if (isDir) walk(t, steps);
    else steps.push({ task: { path: t, explicit: true } });
  }
  const tasks = steps.flatMap((s) => ('task' in s ? [s.task] : []));
  const workers = parseWorkerCount(tasks.length, { ...(opts.parseWorkers !== undefined ? { workers: opts.parseWorkers } : {}), ...(opts.parseWorkerUrl ? { workerUrl: opts.parseWorkerUrl } : {}) });
  const parsed = workers > 0 ? await parseFilesInParallel(tasks, limits, { workers, ...(opts.parseWorkerUrl ? { workerUrl: opts.parseWorkerUrl } : {}) }) : undefined;
  const result = emptyResult();
  let next = 0;
  for (const s of steps) {
    if ('unknown' in s) result.unknowns.push(s.unknown);
    else if ('parsed' in s) addParsed(result, s.parsed);
    else addParsed(result, parsed ? parsed[next++]! : parseManifestFile(s.task.path, limits, s.task.explicit));
  }
  return result;
}
