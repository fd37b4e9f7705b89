/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/), written by hand with a fixed key order.
 *
 * The image (or directory) is the described root package (`documentDescribes` and a DESCRIBES
 * relationship); it CONTAINS the operating system and every package; DEPENDS_ON edges come from the
 * catalogers' `dependsOn`. License strings that are not SPDX become `LicenseRef-…` ids defined in
 * `hasExtractedLicensingInfos`, so `licenseDeclared` is always a valid SPDX expression.
 */
import type { CatalogResult, Package } from '../core/index.js';
import { artifactName, artifactPurl, isDirectoryArtifact } from './artifact.js';
import { dependencyEdges, uniquePackages } from './graph.js';
import { LicenseRefs, toSpdxLicenseExpression } from './licenses.js';
import { resolveWriterOptions, type SbomWriterOptions } from './options.js';
import { spdxAgent, supplierOf } from './supplier.js';

type Json = Record<string, unknown>;

export const SPDX_ROOT_ID = 'SPDXRef-Artifact';
export const SPDX_OS_ID = 'SPDXRef-OperatingSystem';

/** Replaces every run of characters outside `[A-Za-z0-9.-]` (the SPDXID alphabet) with `-`. */
export function sanitiseSpdxId(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** `SPDXRef-Package-<id>` for every package, made unique if sanitising ever makes two ids collide. */
function packageSpdxIds(packages: readonly Package[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const p of packages) {
    const base = `SPDXRef-Package-${sanitiseSpdxId(p.id)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    out.set(p.id, id);
  }
  return out;
}

const DIGEST_ALGORITHMS: Record<string, string> = { sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };

function checksumOf(digest: string): Json | undefined {
  const [alg, hex] = digest.split(':');
  const algorithm = alg ? DIGEST_ALGORITHMS[alg] : undefined;
  return algorithm && hex && /^[0-9a-f]+$/.test(hex) ? { algorithm, checksumValue: hex } : undefined;
}

function purlRef(purl: string): Json {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

function sourceInfo(p: Package): string | undefined {
  const where = p.locations.map((l) => `${l.path}${l.layerDiffId ? ` (layer ${l.layerDiffId})` : ''}`);
  const parts: string[] = [];
  if (where.length > 0) parts.push(`found by ${p.foundBy} in ${where.join(', ')}`);
  if (p.source && (p.source.name !== p.name || (p.source.version && p.source.version !== p.version))) {
    parts.push(`built from source package ${p.source.name}${p.source.version ? ` ${p.source.version}` : ''}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function rootPackage(result: CatalogResult): Json {
  const a = result.artifact;
  const dir = isDirectoryArtifact(a);
  const pkg: Json = { name: artifactName(result), SPDXID: SPDX_ROOT_ID };
  if (a.digest && !dir) pkg.versionInfo = a.digest;
  pkg.downloadLocation = 'NOASSERTION';
  pkg.filesAnalyzed = false;
  const checksum = a.digest && !dir ? checksumOf(a.digest) : undefined;
  if (checksum) pkg.checksums = [checksum];
  pkg.sourceInfo = `scanned as ${a.reference}${a.imageId ? `; image id ${a.imageId}` : ''}`;
  pkg.licenseConcluded = 'NOASSERTION';
  pkg.licenseDeclared = 'NOASSERTION';
  pkg.copyrightText = 'NOASSERTION';
  const purl = artifactPurl(result);
  if (purl) pkg.externalRefs = [purlRef(purl)];
  // SPDX has no purpose for a directory tree (FILE means a single file).
  pkg.primaryPackagePurpose = dir ? 'OTHER' : 'CONTAINER';
  return pkg;
}

function osPackage(result: CatalogResult): Json | undefined {
  const os = result.os;
  if (!os) return undefined;
  return {
    name: os.id,
    SPDXID: SPDX_OS_ID,
    ...(os.versionId ? { versionInfo: os.versionId } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(os.prettyName ? { description: os.prettyName } : {}),
    primaryPackagePurpose: 'OPERATING-SYSTEM',
  };
}

function spdxPackage(p: Package, spdxId: string, refs: LicenseRefs): Json {
  const pkg: Json = { name: p.name, SPDXID: spdxId };
  if (p.version) pkg.versionInfo = p.version;
  const supplier = supplierOf(p);
  if (supplier) pkg.supplier = spdxAgent(supplier);
  pkg.downloadLocation = 'NOASSERTION';
  pkg.filesAnalyzed = false;
  const info = sourceInfo(p);
  if (info) pkg.sourceInfo = info;
  pkg.licenseConcluded = 'NOASSERTION';
  pkg.licenseDeclared = toSpdxLicenseExpression(p.licenses, refs);
  pkg.copyrightText = 'NOASSERTION';
  pkg.externalRefs = [purlRef(p.purl)];
  pkg.primaryPackagePurpose = p.metadata?.application === 'true' ? 'APPLICATION' : 'LIBRARY';
  return pkg;
}

/** Renders a catalog result as an SPDX 2.3 JSON document (a plain object; serialise it yourself). */
export function toSpdx(result: CatalogResult, opts: SbomWriterOptions): Json {
  const o = resolveWriterOptions(opts);
  const name = artifactName(result);
  const packages = uniquePackages(result.packages);
  const ids = packageSpdxIds(packages);
  const refs = new LicenseRefs();

  const spdxPackages: Json[] = [rootPackage(result)];
  const relationships: Json[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: SPDX_ROOT_ID },
  ];
  const os = osPackage(result);
  if (os) {
    spdxPackages.push(os);
    relationships.push({
      spdxElementId: SPDX_ROOT_ID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: SPDX_OS_ID,
    });
  }
  for (const p of packages) {
    spdxPackages.push(spdxPackage(p, ids.get(p.id)!, refs));
    relationships.push({
      spdxElementId: SPDX_ROOT_ID,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: ids.get(p.id)!,
    });
  }
  const edges = dependencyEdges(packages);
  for (const p of packages) {
    for (const d of edges.get(p.id)!)
      relationships.push({
        spdxElementId: ids.get(p.id)!,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: ids.get(d)!,
      });
  }

  const doc: Json = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/portcullis/${sanitiseSpdxId(name).slice(0, 100)}-${o.serial}`,
    creationInfo: { created: o.timestamp, creators: [`Tool: portcullis-${o.toolVersion}`] },
    documentDescribes: [SPDX_ROOT_ID],
    packages: spdxPackages,
    relationships,
  };
  const extracted = refs.extractedLicensingInfos();
  if (extracted.length > 0) doc.hasExtractedLicensingInfos = extracted;
  return doc;
}
