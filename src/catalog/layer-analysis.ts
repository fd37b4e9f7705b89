/**
 * What one pass over one layer produces. JSON-serialisable: this is what the layer cache stores.
 */
import type { ViewEntry } from './types.js';

export type LayerEntry = Omit<ViewEntry, 'layer'>;

export interface LayerAnalysis {
  /** Every entry of the layer except whiteout markers. */
  entries: LayerEntry[];
  /** Paths deleted by `.wh.<name>` markers. */
  whiteouts: string[];
  /** Directories made opaque by `.wh..wh..opq` (lower content hidden). */
  opaqueDirs: string[];
  /** Per cataloger id: the files it parsed in this layer. */
  facts: Record<string, { path: string; value: unknown }[]>;
  /** Wanted files that could not be parsed or read. */
  unknowns: { path: string; cataloger: string; reason: string }[];
}

export function emptyLayerAnalysis(): LayerAnalysis {
  return { entries: [], whiteouts: [], opaqueDirs: [], facts: {}, unknowns: [] };
}
