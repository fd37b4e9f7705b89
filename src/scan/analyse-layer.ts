/**
 * Runs the catalogers' wants/parse over one layer stream (or a directory tree) and collects a
 * LayerAnalysis: entries, whiteouts, facts, unknowns.
 */
import type { Readable } from 'node:stream';
import {
  emptyLayerAnalysis,
  type LayerAnalysis,
  type Cataloger,
  type FileCandidate,
} from '../catalog/index.js';
import { readLayer, type EntryHeader, type Want, type Limits } from '../oci/index.js';

export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

/** Collects facts for one layer; shared by the tar and directory walkers. */
export class LayerCollector {
  readonly analysis: LayerAnalysis = emptyLayerAnalysis();
  private pending: Cataloger[] = [];
  /** Facts by path for hardlink resolution within the layer. */
  private readonly factPaths = new Map<string, { id: string; value: unknown }[]>();
  /** Mode and size of files that produced facts (a hardlink entry carries neither). */
  private readonly factFiles = new Map<string, { mode: number; size: number }>();

  constructor(private readonly catalogers: readonly Cataloger[]) {}

  /** Which catalogers want this file; returns the buffering limit and sniff, or undefined. */
  want(h: FileCandidate): Want | undefined {
    const wanting: Cataloger[] = [];
    for (const c of this.catalogers) if (c.wants(h)) wanting.push(c);
    this.pending = wanting;
    if (wanting.length === 0) return undefined;
    let limit = 0;
    let allSniff = true;
    for (const c of wanting) {
      limit = Math.max(limit, c.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
      if (!c.sniff) allSniff = false;
    }
    return {
      limit,
      ...(allSniff ? { sniff: (head: Buffer) => wanting.some((c) => c.sniff!(head)) } : {}),
    };
  }

  onEntry(h: EntryHeader): Want | undefined {
    this.analysis.entries.push(h.linkname !== undefined ? { path: h.path, type: h.type, mode: h.mode, size: h.size, uid: h.uid, gid: h.gid, linkname: h.linkname } : { path: h.path, type: h.type, mode: h.mode, size: h.size, uid: h.uid, gid: h.gid });
    if (h.type === 'hardlink' && h.linkname !== undefined) {
      this.linkFacts(h);
      return undefined;
    }
    if (h.type === 'other') {
      // e.g. GNU sparse files: content not readable as a plain stream.
      const cand = { path: h.path, mode: h.mode, size: h.size };
      for (const c of this.catalogers) {
        if (c.wants(cand)) this.analysis.unknowns.push({ path: h.path, cataloger: c.id, reason: 'UNSUPPORTED_ENTRY: tar entry of an unsupported type (e.g. GNU sparse file); not read' });
      }
      return undefined;
    }
    if (h.type !== 'file') return undefined;
    return this.want(h);
  }

  private linkFacts(h: EntryHeader): void {
    const target = this.factPaths.get(h.linkname!);
    const info = this.factFiles.get(h.linkname!);
    if (!target || !info) return;
    const cand = { path: h.path, mode: info.mode, size: info.size };
    for (const c of this.catalogers) {
      if (!c.wants(cand)) continue;
      const hit = target.find((t) => t.id === c.id);
      if (hit) this.addFact(c.id, h.path, hit.value);
    }
  }

  private addFact(id: string, path: string, value: unknown): void {
    (this.analysis.facts[id] ??= []).push({ path, value });
    let list = this.factPaths.get(path);
    if (!list) this.factPaths.set(path, (list = []));
    list.push({ id, value });
  }

  onContent(h: FileCandidate, content: Buffer): void {
    const head = content.subarray(0, 65536);
    for (const c of this.pending) {
      if (c.sniff && !c.sniff(head)) continue;
      try {
        const value = c.parse({ path: h.path, mode: h.mode, size: h.size, content });
        if (value !== null && value !== undefined) {
          this.addFact(c.id, h.path, value);
          this.factFiles.set(h.path, { mode: h.mode, size: h.size });
        }
      } catch (err) {
        this.analysis.unknowns.push({ path: h.path, cataloger: c.id, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  onTooLarge(h: FileCandidate, limit: number): void {
    for (const c of this.pending) {
      if ((c.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) >= h.size) continue;
      this.analysis.unknowns.push({ path: h.path, cataloger: c.id, reason: `FILE_TOO_LARGE: ${h.size} bytes, over the ${Math.min(limit, c.maxFileSize ?? DEFAULT_MAX_FILE_SIZE)}-byte limit; not read` });
    }
  }
}

export interface AnalyseLayerOptions {
  diffId?: string;
  what: string;
  limits?: Partial<Limits>;
  onBytes?: (n: number) => void;
}

export async function analyseLayerStream(stream: Readable, catalogers: readonly Cataloger[], opts: AnalyseLayerOptions): Promise<LayerAnalysis> {
  const collector = new LayerCollector(catalogers);
  await readLayer(
    stream,
    {
      onEntry: (h) => collector.onEntry(h),
      onContent: (h, c) => collector.onContent(h, c),
      onTooLarge: (h, limit) => collector.onTooLarge(h, limit),
      onWhiteout: (p) => collector.analysis.whiteouts.push(p),
      onOpaque: (d) => collector.analysis.opaqueDirs.push(d),
    },
    { what: opts.what, ...(opts.diffId ? { diffId: opts.diffId } : {}), ...(opts.limits ? { limits: opts.limits } : {}), ...(opts.onBytes ? { onBytes: opts.onBytes } : {}) },
  );
  return collector.analysis;
}
