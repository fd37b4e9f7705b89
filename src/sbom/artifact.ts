/** Names and purls for the scanned artifact itself. */
import { PackageURL } from 'packageurl-js';
import type { CatalogResult } from '../core/types.js';

export function artifactName(result: CatalogResult): string {
  const a = result.artifact;
  if (a.repository) return a.repository;
  return a.reference;
}

/** `pkg:oci/NAME@sha256:…?repository_url=…` when the manifest digest is known (purl spec, type oci). */
export function artifactPurl(result: CatalogResult): string | undefined {
  const a = result.artifact;
  if (!a.digest) return undefined;
  const repo = a.repository;
  const name = (repo ?? a.reference).split('/').pop()!.replace(/[:@].*$/, '').toLowerCase() || 'image';
  const qualifiers: Record<string, string> = {};
  if (repo) qualifiers.repository_url = repo;
  if (a.tag) qualifiers.tag = a.tag;
  if (a.platform) qualifiers.arch = a.platform.architecture;
  return new PackageURL('oci', undefined, name, a.digest, qualifiers, undefined).toString();
}
