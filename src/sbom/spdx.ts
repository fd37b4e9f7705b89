/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/). The image (or directory) is the described
 * root package; it CONTAINS every package; DEPENDS_ON edges come from the catalogers.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogResult, Package } from '../core/types.js';
import { artifactName, artifactPurl } from './artifact.js';
import type { SbomWriterOptions } from './cyclonedx.js';
import { classifyLicense } from './licenses.js';

type Json = Record<string, unknown>;

function sanitise(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

export function toSpdx(result: CatalogResult, opts: SbomWriterOptions): Json {
  const serial = opts.serial ?? randomUUID();
  const created = (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const name = artifactName(result);
  const a = result.artifact;
  const rootId = 'SPDXRef-Artifact';
  const extracted = new Map<string, string>();

  const declared = (p: Package): string => {
    if (p.licenses.length === 0) return 'NOASSERTION';
    const parts = p.licenses.map((l) => {
      const k = classifyLicense(l);
      if (k.kind === 'id') return k.id;
      if (k.kind === 'expression') return `(${k.expression})`;
      const ref = `LicenseRef-${sanitise(k.name).slice(0, 60)}`;
      extracted.set(ref, k.name);
      return ref;
    });
    const joined = parts.join(' AND ');
    return parts.length === 1 ? joined.replace(/^\((.*)\)$/, '$1') : joined;
  };

  const rootPkg: Json = {
    name,
    SPDXID: rootId,
    ...(a.digest ? { versionInfo: a.digest } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: a.transport === 'rootfs' ? 'OTHER' : 'CONTAINER',
  };
  const purl = artifactPurl(result);
  if (purl) rootPkg.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }];
  if (a.imageId) rootPkg.checksums = [{ algorithm: 'SHA256', checksumValue: a.imageId.replace(/^sha256:/, '') }];

  const packages: Json[] = [rootPkg];
  const relationships: Json[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId }];
  if (result.os) {
    packages.push({
      name: result.os.id,
      SPDXID: 'SPDXRef-OperatingSystem',
      ...(result.os.versionId ? { versionInfo: result.os.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING-SYSTEM',
      ...(result.os.prettyName ? { description: result.os.prettyName } : {}),
    });
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  }
  const spdxIds = new Map<string, string>();
  for (const p of result.packages) spdxIds.set(p.id, `SPDXRef-Package-${sanitise(p.type)}-${sanitise(p.name).slice(0, 80)}-${p.id}`);
  for (const p of result.packages) {
    const id = spdxIds.get(p.id)!;
    const sourceInfo = p.locations.map((l) => `${l.path}${l.layerDiffId ? ` (layer ${l.layerDiffId})` : ''}`).join(', ');
    packages.push({
      name: p.name,
      SPDXID: id,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(p),
      copyrightText: 'NOASSERTION',
      ...(sourceInfo ? { sourceInfo: `found by ${p.foundBy} at ${sourceInfo}` } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      primaryPackagePurpose: 'LIBRARY',
    });
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }
  for (const p of result.packages) {
    for (const d of new Set(p.dependsOn ?? [])) {
      const target = spdxIds.get(d);
      if (target && d !== p.id) relationships.push({ spdxElementId: spdxIds.get(p.id)!, relationshipType: 'DEPENDS_ON', relatedSpdxElement: target });
    }
  }
  const doc: Json = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/portcullis-${sanitise(name).slice(0, 80)}-${serial}`,
    creationInfo: { created, creators: [`Tool: portcullis-${opts.toolVersion}`] },
    documentDescribes: [rootId],
    packages,
    relationships,
  };
  if (extracted.size > 0) {
    doc.hasExtractedLicensingInfos = [...extracted].map(([licenseId, text]) => ({ licenseId, extractedText: text, name: text }));
  }
  return doc;
}
