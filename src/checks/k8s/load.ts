/**
 * Loading Kubernetes manifests with source positions: YAML or JSON files, directories, stdin;
 * multi-document streams, `List` kinds and Helm/Kustomize-rendered output. Every object keeps its
 * parsed document so any field path can be turned back into a file line and column.
 *
 * Bad input is data: a file or document that cannot be read or parsed becomes an `unknown` entry
 * with the reason and, where known, the line — the rest of the input is still checked. Files are
 * capped in size and YAML aliases are capped in number (alias bombs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { isDockerfileName, looksLikeDockerfile } from '../dockerfile/parse.js';
import type { FieldPath } from './pss/types.js';

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

/** An input that could not be checked. */
export interface ManifestUnknown {
  file: string;
  reason: string;
  line?: number;
  column?: number;
  docIndex?: number;
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
}

export const DEFAULT_MAX_FILE_BYTES = 32 << 20;
export const DEFAULT_MAX_ALIAS_COUNT = 100;
const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Where every key and sequence item of a document starts, by path (`spec\0containers\00`), so
 * the parsed tree need not be kept: findings look positions up here. Aliases are not followed (an
 * aliased field answers the alias's position), which also keeps alias bombs out.
 */
function indexPositions(doc: Document.Parsed): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (node: Node | null | undefined, prefix: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = prefix + String(pair.key.value);
        const at = (pair.key as Node).range?.[0];
        if (at !== undefined && !out.has(key)) out.set(key, at);
        walk(pair.value as Node | null, key + '\0');
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const key = prefix + i;
        const at = (item as Node | null)?.range?.[0];
        if (at !== undefined) out.set(key, at);
        walk(item as Node | null, key + '\0');
      });
    }
  };
  walk(doc.contents as Node | null, '');
  return out;
}

/** The position of the deepest field of `path` present in the document (its start when none is). */
function locateIn(positions: Map<string, number>, root: number, lc: LineCounter, path: FieldPath): SourcePosition {
  let at = root;
  for (let i = path.length; i > 0; i--) {
    const hit = positions.get(path.slice(0, i).join('\0'));
    if (hit !== undefined) {
      at = hit;
      break;
    }
  }
  const p = lc.linePos(at);
  return { line: p.line, column: p.col };
}

function kindOf(v: Record<string, unknown>): { apiVersion: string; kind: string } | undefined {
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' ? { apiVersion: v.apiVersion, kind: v.kind } : undefined;
}

/** Parses one file's text into objects; never throws for bad content. */
export function loadManifestText(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const out: LoadResult = { objects: [], unknowns: [], files: 1, skippedDocuments: 0, dockerfiles: [] };
  const lineCounter = new LineCounter();
  const maxAliasCount = opts.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  let docs: Document.Parsed[];
  try {
    // Kubernetes reads manifests as YAML 1.1 (yes/no/on/off are booleans), with merge keys.
    docs = parseAllDocuments(text, { lineCounter, version: '1.1', merge: true, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    out.unknowns.push({ file, reason: `Cannot parse: ${(err as Error).message}` });
    return out;
  }
  if (!Array.isArray(docs)) return out; // empty stream
  docs.forEach((doc, docIndex) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      out.unknowns.push({ file, docIndex, reason: `Invalid YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (err) {
      const start = lineCounter.linePos(doc.range[0]);
      out.unknowns.push({ file, docIndex, reason: `Cannot load document: ${(err as Error).message}`, line: start.line, column: start.col });
      return;
    }
    if (!isRecord(value) || !kindOf(value)) {
      out.skippedDocuments++;
      return;
    }
    const positions = indexPositions(doc);
    const root = (doc.contents as Node | null)?.range?.[0] ?? 0;
    const add = (v: Record<string, unknown>, base: FieldPath) => {
      const k = kindOf(v);
      if (!k) {
        out.skippedDocuments++;
        return;
      }
      const meta = isRecord(v.metadata) ? v.metadata : {};
      out.objects.push({
        file,
        docIndex,
        base,
        value: v,
        apiVersion: k.apiVersion,
        kind: k.kind,
        name: typeof meta.name === 'string' ? meta.name : '',
        namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
        locate: (path) => locateIn(positions, root, lineCounter, [...base, ...path]),
      });
    };
    // `kind: List` (and `…List` kinds with items, as kubectl prints them) hold objects in items.
    if (value.kind === 'List' || (String(value.kind).endsWith('List') && Array.isArray(value.items))) {
      (Array.isArray(value.items) ? value.items : []).forEach((item, i) => {
        if (isRecord(item)) add(item, ['items', i]);
        else out.skippedDocuments++;
      });
    } else add(value, []);
  });
  return out;
}

function merge(into: LoadResult, r: LoadResult): void {
  into.objects.push(...r.objects);
  into.unknowns.push(...r.unknowns);
  into.files += r.files;
  into.skippedDocuments += r.skippedDocuments;
  into.dockerfiles.push(...r.dockerfiles);
}

/** A Dockerfile by name, or (for an explicit non-manifest file) by its first instruction. */
function isDockerfile(path: string, text: string, explicit: boolean): boolean {
  const name = basename(path);
  if (isDockerfileName(name)) return true;
  return explicit && !MANIFEST_EXTENSIONS.test(name) && looksLikeDockerfile(text);
}

function loadFile(path: string, opts: LoadOptions, into: LoadResult, explicit = false): void {
  const max = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let text: string;
  try {
    const st = statSync(path);
    if (st.size > max) {
      into.unknowns.push({ file: path, reason: `File is ${st.size} bytes, more than the ${max}-byte limit` });
      into.files++;
      return;
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    into.unknowns.push({ file: path, reason: `Cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    into.files++;
    return;
  }
  if (isDockerfile(path, text, explicit)) {
    into.dockerfiles.push({ file: path, text });
    into.files++;
    return;
  }
  merge(into, loadManifestText(text, path, opts));
}

function walk(dir: string, opts: LoadOptions, into: LoadResult): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    into.unknowns.push({ file: dir, reason: `Cannot read directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) walk(p, opts, into);
    } else if ((e.isFile() || e.isSymbolicLink()) && (MANIFEST_EXTENSIONS.test(e.name) || isDockerfileName(e.name))) {
      loadFile(p, opts, into); // symlinked directories are not followed (no loops)
    }
  }
}

/**
 * Loads every target: a file (any name), a directory (its `.yaml`, `.yml` and `.json` files,
 * recursively, hidden directories and node_modules skipped) or `-` for stdin. A missing target
 * is an unknown entry too; the caller decides whether that is fatal.
 */
export async function loadManifests(targets: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const out: LoadResult = { objects: [], unknowns: [], files: 0, skippedDocuments: 0, dockerfiles: [] };
  for (const t of targets) {
    if (t === '-') {
      const text = opts.readStdin ? await opts.readStdin() : '';
      const max = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
      if (Buffer.byteLength(text) > max) out.unknowns.push({ file: '<stdin>', reason: `Input is more than the ${max}-byte limit` });
      else if (isDockerfile('<stdin>', text, true)) {
        out.dockerfiles.push({ file: '<stdin>', text });
        out.files++;
      } else merge(out, loadManifestText(text, '<stdin>', opts));
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(t).isDirectory();
    } catch (err) {
      out.unknowns.push({ file: t, reason: `Cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    if (isDir) walk(t, opts, out);
    else loadFile(t, opts, out, true);
  }
  return out;
}
