/**
 * Reading and parsing one manifest input into plain data: the JS values of its objects, a position
 * index per document and the file's line starts. Nothing here holds a closure or a parsed tree, so
 * the result can cross from a parse worker by structured clone (`manifest-worker.ts`) and is the
 * same whether it was parsed there or in the calling thread; `load.ts` turns it into objects.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { isDockerfileName, looksLikeDockerfile } from '../dockerfile/parse.js';
import type { FieldPath } from './pss/types.js';
import { isRecord } from '../../core/index.js';

export const DEFAULT_MAX_FILE_BYTES = 32 << 20;
export const DEFAULT_MAX_ALIAS_COUNT = 100;
export const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** An input that could not be checked. */
export interface ManifestUnknown {
  file: string;
  reason: string;
  line?: number;
  column?: number;
  docIndex?: number;
}

/** The limits of a parse (resolved from the load options). */
export interface ParseLimits {
  maxFileBytes: number;
  maxAliasCount: number;
}

/** One YAML document holding one object, or several (`List`), with where its fields start. */
export interface ParsedDocument {
  docIndex: number;
  /** Offset of the document's contents (where a path with no indexed field points). */
  root: number;
  /** Offset of every key and sequence item by path (`spec\0containers\00`); see `indexPositions`. */
  positions: Map<string, number>;
  objects: { base: FieldPath; value: Record<string, unknown> }[];
}

/** One file (or stdin) read and parsed. */
export interface ParsedInput {
  file: string;
  /** Files read: 1, or 0 for a target that could not be opened as a file. */
  files: number;
  unknowns: ManifestUnknown[];
  skippedDocuments: number;
  dockerfiles: { file: string; text: string }[];
  documents: ParsedDocument[];
  /** Offsets where lines start, as the `yaml` LineCounter records them. */
  lineStarts: number[];
}

export function isManifestObject(v: Record<string, unknown>): boolean {
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string';
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

/** The 1-based line and column of an offset, exactly as `LineCounter.linePos` answers it. */
export function linePosition(lineStarts: readonly number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return { line: low + 1, col: 1 };
  if (low === 0) return { line: 0, col: offset };
  return { line: low, col: offset - lineStarts[low - 1]! + 1 };
}

const emptyInput = (file: string, files: number): ParsedInput => ({ file, files, unknowns: [], skippedDocuments: 0, dockerfiles: [], documents: [], lineStarts: [] });

/** Parses one file's text; never throws for bad content. */
export function parseManifestText(text: string, file: string, limits: Pick<ParseLimits, 'maxAliasCount'>): ParsedInput {
  const out = emptyInput(file, 1);
  const lineCounter = new LineCounter();
  out.lineStarts = lineCounter.lineStarts;
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
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      const start = lineCounter.linePos(doc.range[0]);
      out.unknowns.push({ file, docIndex, reason: `Cannot load document: ${(err as Error).message}`, line: start.line, column: start.col });
      return;
    }
    if (!isRecord(value) || !isManifestObject(value)) {
      out.skippedDocuments++;
      return;
    }
    const parsed: ParsedDocument = { docIndex, root: (doc.contents as Node | null)?.range?.[0] ?? 0, positions: indexPositions(doc), objects: [] };
    const add = (v: Record<string, unknown>, base: FieldPath) => {
      if (isManifestObject(v)) parsed.objects.push({ base, value: v });
      else out.skippedDocuments++;
    };
    // `kind: List` (and `…List` kinds with items, as kubectl prints them) hold objects in items.
    if (value.kind === 'List' || (String(value.kind).endsWith('List') && Array.isArray(value.items))) {
      (Array.isArray(value.items) ? value.items : []).forEach((item, i) => {
        if (isRecord(item)) add(item, ['items', i]);
        else out.skippedDocuments++;
      });
    } else add(value, []);
    out.documents.push(parsed);
  });
  return out;
}

/** A Dockerfile by name, or (for an explicit non-manifest file) by its first instruction. */
export function isDockerfile(path: string, text: string, explicit: boolean): boolean {
  const name = basename(path);
  if (isDockerfileName(name)) return true;
  return explicit && !MANIFEST_EXTENSIONS.test(name) && looksLikeDockerfile(text);
}

/** Reads and parses one file (size-capped); a file that cannot be read is an unknown entry. */
export function parseManifestFile(path: string, limits: ParseLimits, explicit: boolean): ParsedInput {
  const max = limits.maxFileBytes;
  let text: string;
  try {
    const st = statSync(path);
    if (st.size > max) {
      const out = emptyInput(path, 1);
      out.unknowns.push({ file: path, reason: `File is ${st.size} bytes, more than the ${max}-byte limit` });
      return out;
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const out = emptyInput(path, 1);
    out.unknowns.push({ file: path, reason: `Cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return out;
  }
  if (isDockerfile(path, text, explicit)) {
    const out = emptyInput(path, 1);
    out.dockerfiles.push({ file: path, text });
    return out;
  }
  return parseManifestText(text, path, limits);
}
