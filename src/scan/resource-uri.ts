/** The Grafeas resource URI of a scanned image: `https://REGISTRY/REPO@sha256:…`. */
import { PortcullisError, type ArtifactInfo, type CatalogResult } from '../core/index.js';
import { parseDockerReference } from '../oci/index.js';

// ---------------------------------------------------------------------------------------------
// Resource URI

/** Whether the first path component of a reference names a registry (as Docker decides it). */
export function hasRegistry(ref: string): boolean {
  const first = ref.split('/')[0]!;
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

export function uriOf(registry: string, repository: string, digest: string): string {
  return `https://${registry}/${repository}@${digest}`;
}

/**
 * The Grafeas resource URI of a scanned image, `https://REGISTRY/REPOSITORY@sha256:…` (the digest
 * of the manifest that was scanned). The repository is the one the image carries: the reference
 * for a registry image; the `org.opencontainers.image.ref.name` of an OCI layout or archive when
 * it is a full reference with a registry (`registry.example/team/app:1`); the RepoTags entry of a
 * docker-archive, normalised as Docker does. Undefined when there is no repository or no manifest
 * digest (a rootfs or project directory, an SBOM, an OCI image tagged only `app`, a docker-archive,
 * which stores no manifest): pass the URI explicitly then.
 */
export function resourceUriOf(artifact: ArtifactInfo): string | undefined {
  const digest = artifact.digest;
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
  switch (artifact.transport) {
    case 'docker': {
      const ref = parseDockerReference(artifact.reference.replace(/^docker:\/\//, ''));
      return uriOf(ref.registry, ref.repository, digest);
    }
    case 'oci':
    case 'oci-archive': {
      const name = artifact.tag;
      if (!name || !hasRegistry(name)) return undefined;
      const ref = parseDockerReference(name);
      return uriOf(ref.registry, ref.repository, digest);
    }
    case 'docker-archive': {
      if (!artifact.repository) return undefined;
      const ref = parseDockerReference(artifact.repository);
      return uriOf(ref.registry, ref.repository, digest);
    }
    default:
      return undefined;
  }
}

/** Resolves the URI for `--push`: the explicit one, or the image's; refuses when there is none. */
export function pushResourceUri(result: CatalogResult, explicit?: string): string {
  if (explicit) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(explicit))
      throw new PortcullisError({
        code: 'USAGE',
        message: `Invalid --push-resource-uri "${explicit}"`,
        hint: 'A URI such as https://registry.example/app@sha256:….',
      });
    return explicit;
  }
  const uri = resourceUriOf(result.artifact);
  if (uri) return uri;
  const a = result.artifact;
  const why =
    a.transport === 'rootfs' || a.transport === 'sbom'
      ? 'a directory or SBOM has no registry digest'
      : !a.digest
        ? 'the image has no manifest digest (a docker-archive stores none)'
        : `the image carries no repository with a registry${a.tag ? ` (its name is "${a.tag}")` : ''}`;
  throw new PortcullisError({
    code: 'USAGE',
    message: `Cannot derive the resource URI to push "${a.reference}" to: ${why}`,
    hint: 'Scan the image from its registry (docker://REGISTRY/REPO@sha256:…), tag the OCI image with a full reference, or pass --push-resource-uri URI.',
  });
}
