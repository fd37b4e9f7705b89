/**
 * Package catalogers, one folder per ecosystem, registered in one table (`CATALOGERS`); the merged
 * filesystem view of an image's layers and the per-layer analysis the catalogers fill.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { emptyLayerAnalysis } from './layer-analysis.js';
export type { LayerAnalysis } from './layer-analysis.js';
export { osCataloger } from './os/cataloger.js';
export { CATALOGERS } from './registry.js';
export { catalogLayers } from './run.js';
export type { Cataloger, FileCandidate, ViewEntry } from './types.js';
export { MergedView } from './view.js';
