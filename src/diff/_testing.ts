/** Small builders for the diff's unit tests. */
import { emptyLayerAnalysis, type LayerAnalysis, type LayerEntry } from '../catalog/layer-analysis.js';
import { MergedView } from '../catalog/view.js';
import type { PackageType } from '../core/package-types.js';
import type { CatalogResult, Package } from '../core/types.js';
import type { AnalysedTarget } from '../scan/catalog-target.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';

export function pkg(
  type: PackageType,
  name: string,
  version: string,
  extra: Partial<Package> & { path?: string } = {},
): Package {
  const { path, ...rest } = extra;
  const os = type === 'deb' || type === 'apk' || type === 'rpm';
  return {
    id: `${type}-${name}-${version}-${path ?? ''}`,
    name,
    version,
    type,
    purl: `pkg:${type}/${name}@${version}`,
    foundBy: 'test',
    licenses: [],
    locations: [{ path: path ?? (os ? '/var/lib/dpkg/status' : `/app/node_modules/${name}/package.json`) }],
    ...(os ? { arch: 'amd64' } : {}),
    ...rest,
  };
}

export function finding(
  packageName: string,
  id: string,
  installedVersion: string,
  extra: Partial<VulnerabilityFinding> = {},
): VulnerabilityFinding {
  return {
    id,
    aliases: [],
    packageId: `${packageName}-${installedVersion}`,
    packageName,
    packageType: 'deb',
    installedVersion,
    fixedVersions: [],
    state: 'unfixed',
    sources: ['test'],
    ...extra,
  };
}

export function view(entries: Partial<LayerEntry>[]): MergedView {
  const l: LayerAnalysis = emptyLayerAnalysis();
  l.entries = entries.map(
    (e) => ({ type: 'file', mode: 0o644, size: 0, uid: 0, gid: 0, path: '', ...e }) as LayerEntry,
  );
  return new MergedView([l]);
}

export function target(opts: {
  packages?: Package[];
  files?: Partial<LayerEntry>[];
  config?: NonNullable<CatalogResult['artifact']['config']>;
  layers?: string[];
  reference?: string;
}): AnalysedTarget {
  const layers = opts.layers ?? [];
  return {
    result: {
      artifact: {
        reference: opts.reference ?? 'oci:/images:test',
        transport: 'oci',
        layers: layers.map((diffId, index) => ({ index, diffId, size: 100 })),
        ...(opts.config ? { config: opts.config } : {}),
      },
      os: {
        id: 'debian',
        versionId: '12',
        codename: 'bookworm',
        prettyName: 'Debian GNU/Linux 12 (bookworm)',
      },
      packages: opts.packages ?? [],
      unknowns: [],
    },
    layers: [],
    view: view(opts.files ?? []),
  };
}

/** A fake sha256 digest from a short label. */
export function dig(label: string): string {
  return 'sha256:' + Buffer.from(label).toString('hex').padEnd(64, '0').slice(0, 64);
}
