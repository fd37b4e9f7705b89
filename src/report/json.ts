/**
 * The Portcullis JSON report, versioned by `schemaVersion` (docs/json-report.md; JSON Schema in
 * src/report/schemas/portcullis-report-v1.schema.json). Keys are written in a fixed order,
 * independent of how the catalog result was built, so reports diff cleanly.
 */
import type {
  ArtifactInfo,
  CatalogResult,
  LayerInfo,
  Location,
  OsInfo,
  Package,
  Unknown,
  PackageType,
} from '../core/index.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface JsonReportOptions {
  toolVersion: string;
  now?: Date;
}

export interface JsonReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'portcullis'; version: string };
  createdAt: string;
  artifact: ArtifactInfo;
  os?: OsInfo;
  packages: Package[];
  unknowns: Unknown[];
  summary: { packages: number; byType: Partial<Record<PackageType, number>>; unknowns: number };
}

/** Copies the listed keys that are present, in the listed order. */
function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
const sortedRecord = <V>(r: Record<string, V>): Record<string, V> =>
  Object.fromEntries(Object.entries(r).sort(byKey));

function layer(l: LayerInfo): LayerInfo {
  return pick(l, ['index', 'diffId', 'digest', 'size', 'createdBy']);
}

function artifact(a: ArtifactInfo): ArtifactInfo {
  const out = pick(a, [
    'reference',
    'transport',
    'repository',
    'tag',
    'digest',
    'imageId',
    'platform',
    'created',
    'config',
  ]) as ArtifactInfo;
  if (a.platform) out.platform = pick(a.platform, ['os', 'architecture', 'variant']);
  if (a.config) {
    out.config = pick(a.config, ['user', 'env', 'entrypoint', 'cmd', 'workingDir', 'exposedPorts', 'labels']);
    if (a.config.labels) out.config.labels = sortedRecord(a.config.labels);
  }
  out.layers = a.layers.map(layer);
  return out;
}

function location(l: Location): Location {
  return pick(l, ['path', 'layerDiffId', 'layerDigest']);
}

function pkg(p: Package): Package {
  const out = pick(p, [
    'id',
    'name',
    'version',
    'type',
    'purl',
    'foundBy',
    'licenses',
    'locations',
    'source',
    'arch',
    'files',
    'metadata',
    'dependsOn',
  ]);
  out.locations = p.locations.map(location);
  if (p.source) out.source = pick(p.source, ['name', 'version']);
  if (p.metadata) out.metadata = sortedRecord(p.metadata);
  return out;
}

/** Builds the report object (serialise with `JSON.stringify(report, null, 2)`). */
export function toJsonReport(result: CatalogResult, opts: JsonReportOptions): JsonReport {
  const counts: Record<string, number> = {};
  for (const p of result.packages) counts[p.type] = (counts[p.type] ?? 0) + 1;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    artifact: artifact(result.artifact),
    ...(result.os ? { os: pick(result.os, ['id', 'versionId', 'codename', 'prettyName', 'idLike']) } : {}),
    packages: result.packages.map(pkg),
    unknowns: result.unknowns.map((u) => pick(u, ['path', 'layerDiffId', 'cataloger', 'reason'])),
    summary: {
      packages: result.packages.length,
      byType: sortedRecord(counts),
      unknowns: result.unknowns.length,
    },
  };
}
