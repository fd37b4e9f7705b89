/**
 * Turns per-layer analyses into packages: merged view, surviving facts, assembly, ids.
 */
import { createHash } from 'node:crypto';
import {
  isPortcullisError,
  type LayerInfo,
  type OsInfo,
  type Package,
  type Unknown,
  isOsPackageType,
} from '../core/index.js';
import type { LayerAnalysis } from './layer-analysis.js';
import { detectOs, osCataloger, type OsFact } from './os/cataloger.js';
import type { AssembleContext, Cataloger, Fact } from './types.js';
import { MergedView } from './view.js';

export interface CatalogLayersOptions {
  layers: readonly LayerAnalysis[];
  layerInfos: readonly LayerInfo[];
  catalogers: readonly Cataloger[];
}

export interface CatalogLayersResult {
  os?: OsInfo;
  packages: Package[];
  unknowns: Unknown[];
  view: MergedView;
}

export function catalogLayers(opts: CatalogLayersOptions): CatalogLayersResult {
  const { layers, layerInfos } = opts;
  const view = new MergedView(layers);
  const unknowns: Unknown[] = [];

  const makeContext = <F>(id: string, os: OsInfo | undefined): { facts: Fact<F>[]; ctx: AssembleContext<F> } => {
    const byPath = new Map<string, Fact<F>[]>();
    layers.forEach((layer, index) => {
      for (const f of layer.facts[id] ?? []) {
        let list = byPath.get(f.path);
        if (!list) byPath.set(f.path, (list = []));
        list.push({ path: f.path, layer: index, value: f.value as F });
      }
    });
    const surviving = new Map<string, Fact<F>>();
    for (const [path, list] of byPath) {
      const entry = view.get(path);
      if (!entry) continue;
      const top = list[list.length - 1]!;
      if (top.layer === entry.layer) surviving.set(path, top);
    }
    const ctx: AssembleContext<F> = {
      os,
      layers: layerInfos,
      history(path) {
        const list = byPath.get(path);
        const top = surviving.get(path);
        if (!list || !top) return [];
        const out: Fact<F>[] = [];
        for (let i = list.length - 1; i >= 0; i--) {
          const f = list[i]!;
          if (f.layer >= top.layer) continue;
          // Stop where the path was deleted in a layer above f.
          let deleted = false;
          for (let l = f.layer + 1; l <= top.layer && !deleted; l++) deleted = deletes(layers[l]!, path);
          if (deleted) break;
          out.unshift(f);
        }
        return out;
      },
      factAt(path) {
        const resolved = view.resolve(path);
        return resolved === undefined ? undefined : surviving.get(resolved);
      },
      entry(path) {
        return view.get(path);
      },
    };
    return { facts: [...surviving.values()], ctx };
  };

  let os: OsInfo | undefined;
  {
    const { facts, ctx } = makeContext<OsFact>(osCataloger.id, undefined);
    os = detectOs(facts, ctx);
  }

  const packages: Package[] = [];
  for (const cataloger of opts.catalogers) {
    const { facts, ctx } = makeContext<unknown>(cataloger.id, os);
    let drafts;
    try {
      drafts = cataloger.assemble(facts, ctx);
    } catch (err) {
      if (isPortcullisError(err)) throw err;
      unknowns.push({ path: '/', cataloger: cataloger.id, reason: `assembly failed: ${String(err)}` });
      continue;
    }
    const keyToId = new Map<string, string>();
    const built: Package[] = [];
    for (const d of drafts) {
      const firstPath = d.locations[0]?.path ?? '';
      const id = createHash('sha256')
        .update(`${cataloger.id}\0${d.purl}\0${firstPath}\0${d.key ?? ''}`)
        .digest('hex')
        .slice(0, 16);
      if (d.key !== undefined) keyToId.set(d.key, id);
      const pkg: Package = {
        id,
        name: d.name,
        version: d.version,
        type: d.type,
        purl: d.purl,
        foundBy: cataloger.id,
        licenses: d.licenses,
        locations: d.locations.map((l) => {
          const info = layerInfos[l.layer];
          return {
            path: '/' + l.path,
            ...(info?.diffId ? { layerDiffId: info.diffId } : {}),
            ...(info?.digest ? { layerDigest: info.digest } : {}),
          };
        }),
      };
      if (d.source) pkg.source = d.source;
      if (d.arch) pkg.arch = d.arch;
      if (d.files) pkg.files = d.files;
      if (d.metadata && Object.keys(d.metadata).length > 0) pkg.metadata = d.metadata;
      built.push(pkg);
    }
    drafts.forEach((d, i) => {
      if (!d.dependsOn || d.dependsOn.length === 0) return;
      const ids = d.dependsOn.map((k) => keyToId.get(k)).filter((x): x is string => x !== undefined);
      if (ids.length > 0) built[i]!.dependsOn = [...new Set(ids)];
    });
    // Drop exact duplicates (same id), keeping the first.
    const seen = new Set(packages.map((p) => p.id));
    for (const p of built) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      packages.push(p);
    }
  }

  markOsOwned(packages);

  layers.forEach((layer, index) => {
    const info = layerInfos[index];
    for (const u of layer.unknowns) {
      const entry = view.get(u.path);
      if (!entry || entry.layer !== index) continue;
      unknowns.push({
        path: '/' + u.path,
        cataloger: u.cataloger,
        reason: u.reason,
        ...(info?.diffId ? { layerDiffId: info.diffId } : {}),
      });
    }
  });

  return { ...(os ? { os } : {}), packages, unknowns, view };
}

/**
 * Language packages installed by the OS package manager (e.g. Debian's python3-requests ships
 * requests' egg-info) are marked with `metadata.osPackage`, so vulnerability matching can defer to
 * the distribution's advisories, which know its backported fixes.
 */
function markOsOwned(packages: Package[]): void {
  const owner = new Map<string, string>();
  for (const p of packages) {
    if (!isOsPackageType(p.type) || !p.files) continue;
    for (const f of p.files) if (!owner.has(f)) owner.set(f, `${p.type}:${p.name}`);
  }
  if (owner.size === 0) return;
  for (const p of packages) {
    if (isOsPackageType(p.type)) continue;
    const path = p.locations[0]?.path;
    if (!path) continue;
    // The metadata file itself, or (for egg-info/dist-info directories) the directory.
    const hit = owner.get(path) ?? owner.get(path.slice(0, path.lastIndexOf('/')));
    if (hit) p.metadata = { ...p.metadata, osPackage: hit };
  }
}

function deletes(layer: LayerAnalysis, path: string): boolean {
  for (const w of layer.whiteouts) if (path === w || path.startsWith(w + '/')) return true;
  for (const d of layer.opaqueDirs) if (path.startsWith(d + '/')) return true;
  return false;
}
