/**
 * Orchestration for `sbom` (and later `scan`): reference → source → layers (cached or read in
 * one streaming pass each) → merged catalog.
 */
import {
  CATALOGERS,
  osCataloger,
  catalogLayers,
  type Cataloger,
  type LayerAnalysis,
  type MergedView,
} from '../catalog/index.js';
import type { ArtifactInfo, CatalogResult, LayerInfo } from '../core/index.js';
import {
  type Limits,
  type Platform,
  type ImageConfig,
  openImageSource,
  parseImageReference,
  type ImageReference,
  type Credentials,
  type ResolvedImage,
} from '../oci/index.js';
import { analyseLayerStream } from './analyse-layer.js';
import { analyseRootfs } from './analyse-rootfs.js';
import { analyserKey, defaultCacheDir, LayerCache } from './cache.js';
import type { ProgressListener } from './progress.js';
import { resolve } from 'node:path';

export interface CatalogTargetOptions {
  platform?: Platform;
  credentials?: Credentials;
  authFile?: string;
  insecure?: boolean;
  cacheDir?: string;
  noCache?: boolean;
  limits?: Partial<Limits>;
  onProgress?: ProgressListener;
  catalogers?: readonly Cataloger[];
  /** Layers read at once. */
  concurrency?: number;
}

/** A catalogued target with what the walk saw: per-layer analyses and the merged filesystem view. */
export interface AnalysedTarget {
  result: CatalogResult;
  /** One analysis per layer, bottom first (one for a rootfs directory). */
  layers: LayerAnalysis[];
  /** Merged view of all layers with whiteouts applied (modes, owners, sizes of every path). */
  view: MergedView;
  /** The image config's full history (empty layers included), when the target is an image. */
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

export async function catalogTarget(target: string | ImageReference, opts: CatalogTargetOptions = {}): Promise<CatalogResult> {
  return (await analyseTarget(target, opts)).result;
}

/** Like `catalogTarget`, also returning the layer analyses and merged view (for secrets, diff, image checks). */
export async function analyseTarget(target: string | ImageReference, opts: CatalogTargetOptions = {}): Promise<AnalysedTarget> {
  const ref = typeof target === 'string' ? parseImageReference(target) : target;
  const catalogers = [osCataloger as Cataloger, ...(opts.catalogers ?? CATALOGERS)];
  if (ref.transport === 'rootfs') {
    const analysis = await analyseRootfs(ref.path, catalogers, {
      ...(opts.onProgress ? { onFile: (path: string) => opts.onProgress!({ type: 'rootfs-file', path }) } : {}),
    });
    const layerInfos: LayerInfo[] = [{ index: 0, diffId: '' }];
    const result = catalogLayers({ layers: [analysis], layerInfos, catalogers: catalogers.slice(1) });
    return {
      result: {
        artifact: { reference: `rootfs:${resolve(ref.path)}`, transport: 'rootfs', layers: [] },
        ...(result.os ? { os: result.os } : {}),
        packages: result.packages,
        unknowns: result.unknowns,
      },
      layers: [analysis],
      view: result.view,
    };
  }

  const source = await openImageSource(ref, opts);
  try {
    const image = await source.resolve(opts.platform ? { platform: opts.platform } : {});
    const layerInfos = layerInfosOf(image);
    opts.onProgress?.({ type: 'resolved', layers: image.layers.map((l) => ({ index: l.index, diffId: l.diffId, ...(l.size !== undefined ? { size: l.size } : {}) })) });
    const cache = opts.noCache ? undefined : new LayerCache(opts.cacheDir ?? defaultCacheDir(), analyserKey(catalogers));
    const analyses: LayerAnalysis[] = new Array(image.layers.length);
    const queue = [...image.layers];
    const worker = async () => {
      for (let layer = queue.shift(); layer; layer = queue.shift()) {
        const l = layer;
        const cached = await cache?.get(l.diffId);
        if (cached) {
          analyses[l.index] = cached;
          opts.onProgress?.({ type: 'layer-done', index: l.index, cached: true });
          continue;
        }
        opts.onProgress?.({ type: 'layer-start', index: l.index, ...(l.size !== undefined ? { size: l.size } : {}) });
        const stream = await l.open();
        const analysis = await analyseLayerStream(stream, catalogers, {
          diffId: l.diffId,
          what: `Layer ${l.index} (${(l.descriptor?.digest ?? l.diffId).slice(0, 19)})`,
          ...(opts.limits ? { limits: opts.limits } : {}),
          ...(opts.onProgress ? { onBytes: (bytes: number) => opts.onProgress!({ type: 'layer-bytes', index: l.index, bytes }) } : {}),
        });
        analyses[l.index] = analysis;
        await cache?.put(l.diffId, analysis).catch(() => undefined);
        opts.onProgress?.({ type: 'layer-done', index: l.index, cached: false });
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? 2, image.layers.length));
    await Promise.all(Array.from({ length: n }, worker));
    const result = catalogLayers({ layers: analyses, layerInfos, catalogers: catalogers.slice(1) });
    return {
      result: {
        artifact: artifactOf(source.reference, source.transport, image, layerInfos),
        ...(result.os ? { os: result.os } : {}),
        packages: result.packages,
        unknowns: result.unknowns,
      },
      layers: analyses,
      view: result.view,
      ...(image.config.history ? { history: image.config.history } : {}),
    };
  } finally {
    await source.close();
  }
}

function layerInfosOf(image: ResolvedImage): LayerInfo[] {
  const history = (image.config.history ?? []).filter((h) => !h.empty_layer);
  return image.layers.map((l, i) => {
    const info: LayerInfo = { index: i, diffId: l.diffId };
    if (l.descriptor?.digest) info.digest = l.descriptor.digest;
    if (l.size !== undefined) info.size = l.size;
    const createdBy = history[i]?.created_by;
    if (createdBy && history.length === image.layers.length) info.createdBy = createdBy;
    return info;
  });
}

function artifactOf(reference: string, transport: ArtifactInfo['transport'], image: ResolvedImage, layers: LayerInfo[]): ArtifactInfo {
  const c: ImageConfig = image.config;
  const cfg = c.config ?? {};
  const artifact: ArtifactInfo = { reference, transport, layers, imageId: image.configDigest };
  if (image.repository) artifact.repository = image.repository;
  if (image.tag) artifact.tag = image.tag;
  if (image.manifestDigest) artifact.digest = image.manifestDigest;
  if (c.os && c.architecture) artifact.platform = { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
  if (c.created) artifact.created = c.created;
  artifact.config = {
    ...(cfg.User !== undefined ? { user: cfg.User } : {}),
    ...(cfg.Env ? { env: cfg.Env } : {}),
    ...(cfg.Entrypoint ? { entrypoint: cfg.Entrypoint } : {}),
    ...(cfg.Cmd ? { cmd: cfg.Cmd } : {}),
    ...(cfg.WorkingDir ? { workingDir: cfg.WorkingDir } : {}),
    ...(cfg.ExposedPorts ? { exposedPorts: Object.keys(cfg.ExposedPorts) } : {}),
    ...(cfg.Labels ? { labels: cfg.Labels } : {}),
  };
  return artifact;
}
