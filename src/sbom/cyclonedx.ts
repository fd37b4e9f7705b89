/**
 * CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/), written by hand with a fixed key order
 * (the order of the specification's field list) so that output is stable and diffable.
 *
 * Shape: `metadata.component` is the image (`container`, version = manifest digest, an `oci` purl)
 * or the directory (`file`); the OS is an `operating-system` component; every package is a
 * `library` component whose `bom-ref` is the package id. `dependencies` holds every component
 * exactly once: the root depends on the OS and on the packages nothing else depends on, the OS on
 * the OS packages nothing else depends on, each package on its `dependsOn`.
 *
 * Facts without a CycloneDX field are `portcullis:` properties, listed in `CYCLONEDX_PROPERTIES`
 * and documented in docs/json-report.md.
 */
import { PackageURL } from 'packageurl-js';
import { type CatalogResult, type Package, isOsPackageType } from '../core/index.js';
import { artifactName, artifactPurl, isDirectoryArtifact, platformString } from './artifact.js';
import { dependencyEdges, graphRoots, uniquePackages } from './graph.js';
import { toCycloneDxLicenses } from './licenses.js';
import { resolveWriterOptions, type SbomWriterOptions } from './options.js';
import { supplierOf } from './supplier.js';

type Json = Record<string, unknown>;

/** `bom-ref` of the scanned artifact (`metadata.component`). */
export const CYCLONEDX_ROOT_REF = 'portcullis:artifact';
/** `bom-ref` of the operating-system component. */
export const CYCLONEDX_OS_REF = 'portcullis:os';

/** Every property name we write (`N` = 0-based index, `KEY` = metadata key). */
export const CYCLONEDX_PROPERTIES = {
  packageType: 'portcullis:package:type',
  foundBy: 'portcullis:package:foundBy',
  sourceName: 'portcullis:package:sourceName',
  sourceVersion: 'portcullis:package:sourceVersion',
  arch: 'portcullis:package:arch',
  locationPath: 'portcullis:location:N:path',
  locationLayerDiffId: 'portcullis:location:N:layerDiffID',
  locationLayerDigest: 'portcullis:location:N:layerDigest',
  metadata: 'portcullis:metadata:KEY',
  artifactReference: 'portcullis:artifact:reference',
  imageTag: 'portcullis:image:tag',
  imageId: 'portcullis:image:id',
  imagePlatform: 'portcullis:image:platform',
  imageLayerDiffId: 'portcullis:image:layer:N:diffID',
  imageLayerDigest: 'portcullis:image:layer:N:digest',
  imageLayerCreatedBy: 'portcullis:image:layer:N:createdBy',
  unknowns: 'portcullis:unknowns',
  osCodename: 'portcullis:os:codename',
  osIdLike: 'portcullis:os:idLike',
} as const;

/** Ecosystems whose purl namespace is what CycloneDX calls the group. */
const GROUP_TYPES = new Set(['maven', 'npm', 'golang', 'composer']);

function prop(name: string, value: string): Json {
  return { name, value };
}

/** Group and name as CycloneDX splits them (`@scope` + `name`, groupId + artifactId). */
function groupAndName(p: Package): { group?: string; name: string } {
  if (!GROUP_TYPES.has(p.type)) return { name: p.name };
  try {
    const purl = PackageURL.fromString(p.purl);
    return purl.namespace ? { group: purl.namespace, name: purl.name } : { name: purl.name };
  } catch {
    return { name: p.name };
  }
}

function packageProperties(p: Package): Json[] {
  const props: Json[] = [
    prop(CYCLONEDX_PROPERTIES.packageType, p.type),
    prop(CYCLONEDX_PROPERTIES.foundBy, p.foundBy),
  ];
  p.locations.forEach((l, i) => {
    props.push(prop(`portcullis:location:${i}:path`, l.path));
    if (l.layerDiffId) props.push(prop(`portcullis:location:${i}:layerDiffID`, l.layerDiffId));
    if (l.layerDigest) props.push(prop(`portcullis:location:${i}:layerDigest`, l.layerDigest));
  });
  if (p.source) {
    props.push(prop(CYCLONEDX_PROPERTIES.sourceName, p.source.name));
    if (p.source.version) props.push(prop(CYCLONEDX_PROPERTIES.sourceVersion, p.source.version));
  }
  if (p.arch) props.push(prop(CYCLONEDX_PROPERTIES.arch, p.arch));
  const meta = Object.entries(p.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of meta) props.push(prop(`portcullis:metadata:${k}`, v));
  return props;
}

function packageComponent(p: Package): Json {
  // The scanned project's own package (see catalog/npm/application.ts) is the application.
  const c: Json = { type: p.metadata?.application === 'true' ? 'application' : 'library', 'bom-ref': p.id };
  const supplier = supplierOf(p);
  if (supplier)
    c.supplier = { name: supplier.name, ...(supplier.email ? { contact: [{ email: supplier.email }] } : {}) };
  const { group, name } = groupAndName(p);
  if (group) c.group = group;
  c.name = name;
  if (p.version) c.version = p.version;
  const licenses = toCycloneDxLicenses(p.licenses);
  if (licenses) c.licenses = licenses;
  c.purl = p.purl;
  c.properties = packageProperties(p);
  return c;
}

function rootComponent(result: CatalogResult, unknowns: number): Json {
  const a = result.artifact;
  const dir = isDirectoryArtifact(a);
  const c: Json = {
    type: dir ? 'file' : 'container',
    'bom-ref': CYCLONEDX_ROOT_REF,
    name: artifactName(result),
  };
  if (a.digest && !dir) c.version = a.digest;
  const purl = artifactPurl(result);
  if (purl) c.purl = purl;
  const props: Json[] = [prop(CYCLONEDX_PROPERTIES.artifactReference, a.reference)];
  if (a.tag) props.push(prop(CYCLONEDX_PROPERTIES.imageTag, a.tag));
  if (a.imageId) props.push(prop(CYCLONEDX_PROPERTIES.imageId, a.imageId));
  const platform = platformString(a);
  if (platform) props.push(prop(CYCLONEDX_PROPERTIES.imagePlatform, platform));
  for (const l of a.layers) {
    props.push(prop(`portcullis:image:layer:${l.index}:diffID`, l.diffId));
    if (l.digest) props.push(prop(`portcullis:image:layer:${l.index}:digest`, l.digest));
    if (l.createdBy) props.push(prop(`portcullis:image:layer:${l.index}:createdBy`, l.createdBy));
  }
  if (unknowns > 0) props.push(prop(CYCLONEDX_PROPERTIES.unknowns, String(unknowns)));
  c.properties = props;
  return c;
}

function osComponent(result: CatalogResult): Json | undefined {
  const os = result.os;
  if (!os) return undefined;
  const c: Json = { type: 'operating-system', 'bom-ref': CYCLONEDX_OS_REF, name: os.id };
  if (os.versionId) c.version = os.versionId;
  if (os.prettyName) c.description = os.prettyName;
  const props: Json[] = [];
  if (os.codename) props.push(prop(CYCLONEDX_PROPERTIES.osCodename, os.codename));
  if (os.idLike?.length) props.push(prop(CYCLONEDX_PROPERTIES.osIdLike, os.idLike.join(' ')));
  if (props.length > 0) c.properties = props;
  return c;
}

/** Renders a catalog result as a CycloneDX 1.6 JSON document (a plain object; serialise it yourself). */
export function toCycloneDx(result: CatalogResult, opts: SbomWriterOptions): Json {
  const o = resolveWriterOptions(opts);
  const packages = uniquePackages(result.packages);
  const edges = dependencyEdges(packages);
  const os = osComponent(result);

  const components: Json[] = [];
  if (os) components.push(os);
  for (const p of packages) components.push(packageComponent(p));

  const roots = graphRoots(packages, edges);
  const typeOf = new Map(packages.map((p) => [p.id, p.type]));
  const underOs = os ? roots.filter((id) => isOsPackageType(typeOf.get(id)!)) : [];
  const osSet = new Set(underOs);
  const underRoot = roots.filter((id) => !osSet.has(id));
  const dependencies: Json[] = [
    { ref: CYCLONEDX_ROOT_REF, dependsOn: [...(os ? [CYCLONEDX_OS_REF] : []), ...underRoot] },
  ];
  if (os) dependencies.push({ ref: CYCLONEDX_OS_REF, dependsOn: underOs });
  for (const p of packages) dependencies.push({ ref: p.id, dependsOn: edges.get(p.id)! });

  const doc: Json = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${o.serial}`,
    version: 1,
    metadata: {
      timestamp: o.timestamp,
      tools: { components: [{ type: 'application', name: 'portcullis', version: o.toolVersion }] },
      component: rootComponent(result, result.unknowns.length),
    },
    components,
    dependencies,
  };
  // Files a cataloger could not read: the inventory is known to be incomplete.
  if (result.unknowns.length > 0)
    doc.compositions = [{ aggregate: 'incomplete', assemblies: [CYCLONEDX_ROOT_REF] }];
  return doc;
}
