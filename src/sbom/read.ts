/**
 * Reading SBOMs back (for `scan sbom`): CycloneDX 1.2–1.6 or SPDX 2.3 JSON, validated against its
 * schema first — an invalid document is refused, never half-read.
 */
import { readFileSync } from 'node:fs';
import { PackageURL } from 'packageurl-js';
import {
  PortcullisError,
  packageTypeOfPurl,
  type CatalogResult,
  type OsInfo,
  type Package,
} from '../core/index.js';
import { validateCycloneDx, validateSpdx } from './validate.js';

function invalid(file: string, why: string): never {
  throw new PortcullisError({ code: 'SBOM_INVALID', message: `${file} is not a valid SBOM: ${why}`, hint: 'Provide CycloneDX 1.2-1.6 or SPDX 2.3 JSON that validates against its schema.' });
}

function toPackage(purl: string, index: number, props: Record<string, string>, location: string): { pkg: Package; os?: OsInfo } | undefined {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const type = packageTypeOfPurl(p.type);
  if (!type || !p.version) return undefined;
  const name = type === 'maven' ? `${p.namespace}:${p.name}` : p.namespace && (type === 'npm' || type === 'golang' || type === 'composer') ? `${p.namespace}/${p.name}` : p.name;
  const q = (p.qualifiers ?? {}) as Record<string, string>;
  const version = type === 'rpm' && q.epoch ? `${q.epoch}:${p.version}` : p.version;
  const sourceName = props['portcullis:package:sourceName'] ?? q.upstream?.split('@')[0];
  const pkg: Package = {
    id: String(index).padStart(16, '0'),
    name,
    version,
    type,
    purl,
    foundBy: 'sbom',
    licenses: [],
    locations: [{ path: props['portcullis:location:0:path'] ?? location }],
    ...(sourceName ? { source: { name: sourceName } } : {}),
    ...(props['portcullis:metadata:osPackage'] ? { metadata: { osPackage: props['portcullis:metadata:osPackage'] } } : {}),
  };
  const distro = q.distro;
  if (distro && (type === 'deb' || type === 'apk' || type === 'rpm')) {
    const m = /^([a-z]+)-(.+)$/.exec(distro);
    return { pkg, os: m ? { id: m[1]!, versionId: m[2]! } : { id: distro } };
  }
  return { pkg };
}

export function readSbom(file: string): CatalogResult {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `"${file}" does not exist`, hint: 'Check the path.' });
    return invalid(file, `not JSON (${(err as Error).message})`);
  }
  const packages: Package[] = [];
  let os: OsInfo | undefined;
  if (doc?.bomFormat === 'CycloneDX') {
    const v = validateCycloneDx(doc);
    if (!v.valid) invalid(file, v.errors[0] ?? 'schema violation');
    const comps = (doc.components as { type: string; name: string; version?: string; purl?: string; properties?: { name: string; value: string }[] }[] | undefined) ?? [];
    comps.forEach((c, i) => {
      if (c.type === 'operating-system' && !os) os = { id: c.name.toLowerCase(), ...(c.version ? { versionId: c.version } : {}) };
      if (!c.purl) return;
      const props = Object.fromEntries((c.properties ?? []).map((p) => [p.name, p.value]));
      const r = toPackage(c.purl, i, props, file);
      if (r) {
        packages.push(r.pkg);
        os ??= r.os;
      }
    });
  } else if (typeof doc?.spdxVersion === 'string') {
    if (doc.spdxVersion !== 'SPDX-2.3') invalid(file, `spdxVersion ${String(doc.spdxVersion)} (only SPDX-2.3 is supported)`);
    const v = validateSpdx(doc);
    if (!v.valid) invalid(file, v.errors[0] ?? 'schema violation');
    const pkgs = (doc.packages as { primaryPackagePurpose?: string; name: string; versionInfo?: string; externalRefs?: { referenceType: string; referenceLocator: string }[] }[]) ?? [];
    pkgs.forEach((p, i) => {
      if (p.primaryPackagePurpose === 'OPERATING-SYSTEM' && !os) os = { id: p.name.toLowerCase(), ...(p.versionInfo ? { versionId: p.versionInfo } : {}) };
      const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
      if (!purl) return;
      const r = toPackage(purl, i, {}, file);
      if (r) {
        packages.push(r.pkg);
        os ??= r.os;
      }
    });
  } else {
    invalid(file, 'neither CycloneDX (bomFormat) nor SPDX (spdxVersion)');
  }
  if (os?.id === 'debian' && os.versionId && !os.codename) {
    const code = ({ '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie' } as Record<string, string>)[os.versionId.split('.')[0]!];
    if (code) os.codename = code;
  }
  return { artifact: { reference: `sbom:${file}`, transport: 'sbom', layers: [] }, ...(os ? { os } : {}), packages, unknowns: [] };
}
