/** Names, identifiers and package URLs for the scanned artifact itself (the SBOM's subject). */
import type { ArtifactInfo, CatalogResult } from '../core/index.js';

/** Human name of the artifact: the repository when known, the directory for rootfs scans, else the reference. */
export function artifactName(result: CatalogResult): string {
  const a = result.artifact;
  if (a.repository) return a.repository;
  if (a.transport === 'rootfs') return a.reference.replace(/^(rootfs|dir):/, '') || a.reference;
  return a.reference;
}

/** Whether the artifact is a directory tree rather than an image. */
export function isDirectoryArtifact(a: ArtifactInfo): boolean {
  return a.transport === 'rootfs';
}

/** Percent-encodes a purl qualifier value, leaving `/` and `:` readable as the purl spec's oci examples do. */
function encodeQualifier(v: string): string {
  return encodeURIComponent(v).replace(/%2F/g, '/').replace(/%3A/g, ':');
}

/**
 * `pkg:oci/NAME@sha256%3A…?arch=…&repository_url=…&tag=…` when the manifest digest is known
 * (purl spec, type `oci`: the name is the last segment of the repository, lowercased; the version is
 * the digest with its colon percent-encoded; qualifiers sorted by key). Undefined otherwise.
 */
export function artifactPurl(result: CatalogResult): string | undefined {
  const a = result.artifact;
  if (!a.digest || isDirectoryArtifact(a)) return undefined;
  const repo = a.repository;
  const last = (repo ?? '').split('/').pop() ?? '';
  const name = last.toLowerCase() || 'image';
  const qualifiers: [string, string][] = [];
  if (a.platform?.architecture) qualifiers.push(['arch', a.platform.architecture]);
  if (repo) qualifiers.push(['repository_url', repo]);
  if (a.tag) qualifiers.push(['tag', a.tag]);
  const q = qualifiers.map(([k, v]) => `${k}=${encodeQualifier(v)}`).join('&');
  return `pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(a.digest)}${q ? `?${q}` : ''}`;
}

/** `linux/amd64/v8`. */
export function platformString(a: ArtifactInfo): string | undefined {
  if (!a.platform) return undefined;
  return [a.platform.os, a.platform.architecture, a.platform.variant].filter(Boolean).join('/');
}
