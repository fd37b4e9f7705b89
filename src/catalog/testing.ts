/**
 * Test harness for catalogers: runs the real wants → parse → merge → assemble path over
 * in-memory layers, exactly as an image scan would, without tarballs.
 */
import type { LayerInfo } from '../core/types.js';
import { emptyLayerAnalysis, type LayerAnalysis } from './layer-analysis.js';
import { osCataloger } from './os/cataloger.js';
import { catalogLayers, type CatalogLayersResult } from './run.js';
import type { Cataloger } from './types.js';

export interface TestFile {
  path: string;
  content?: string | Buffer;
  mode?: number;
  /** Symlink target. */
  symlink?: string;
  /** `.wh.` deletion of this path. */
  whiteout?: boolean;
}

/** Analyse one in-memory layer with the given catalogers (and OS detection). */
export function analyseTestLayer(files: TestFile[], catalogers: readonly Cataloger[]): LayerAnalysis {
  const out = emptyLayerAnalysis();
  for (const f of files) {
    const path = f.path.replace(/^\/+/, '');
    if (f.whiteout) {
      out.whiteouts.push(path);
      continue;
    }
    if (f.symlink !== undefined) {
      out.entries.push({ path, type: 'symlink', mode: 0o120777, size: 0, uid: 0, gid: 0, linkname: f.symlink });
      continue;
    }
    const content = typeof f.content === 'string' ? Buffer.from(f.content) : (f.content ?? Buffer.alloc(0));
    const mode = f.mode ?? 0o100644;
    out.entries.push({ path, type: 'file', mode, size: content.length, uid: 0, gid: 0 });
    for (const c of [osCataloger as Cataloger, ...catalogers]) {
      const cand = { path, mode, size: content.length };
      if (!c.wants(cand)) continue;
      if (c.sniff && !c.sniff(content.subarray(0, 65536))) continue;
      try {
        const value = c.parse({ ...cand, content });
        if (value !== null) (out.facts[c.id] ??= []).push({ path, value: JSON.parse(JSON.stringify(value)) });
      } catch (err) {
        out.unknowns.push({ path, cataloger: c.id, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return out;
}

/** Run catalogers over a stack of in-memory layers (bottom first). */
export function runCatalogers(layers: TestFile[][], catalogers: readonly Cataloger[]): CatalogLayersResult {
  const analyses = layers.map((l) => analyseTestLayer(l, catalogers));
  const layerInfos: LayerInfo[] = layers.map((_, i) => ({ index: i, diffId: `sha256:${String(i).padStart(64, '0')}` }));
  return catalogLayers({ layers: analyses, layerInfos, catalogers });
}
