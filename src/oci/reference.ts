/**
 * Image references with skopeo-style transports:
 * `docker://REF` (default), `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:REF]`,
 * `rootfs:PATH` / `dir:PATH`.
 */
import { PortcullisError } from '../core/index.js';

export const DEFAULT_REGISTRY = 'docker.io';
/** Where Docker Hub's API lives. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export interface DockerReference {
  /** Registry host[:port], `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path (`library/debian`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageReference =
  | { transport: 'docker'; ref: DockerReference; raw: string }
  | { transport: 'oci'; path: string; tag?: string; raw: string }
  | { transport: 'oci-archive'; path: string; tag?: string; raw: string }
  | { transport: 'docker-archive'; path: string; ref?: string; raw: string }
  | { transport: 'rootfs'; path: string; raw: string };

const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function invalid(raw: string, why: string): never {
  throw new PortcullisError({
    code: 'INVALID_REFERENCE',
    message: `Cannot parse image reference "${raw}": ${why}`,
    hint: 'Use e.g. docker://registry.example.com/repo:tag, oci:DIR:TAG, oci-archive:FILE, docker-archive:FILE or rootfs:PATH.',
  });
}

/** Parses a Docker-style reference (`[host[:port]/]path[:tag][@digest]`). */
export function parseDockerReference(input: string): DockerReference {
  let rest = input.trim();
  if (rest === '') invalid(input, 'empty reference');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) invalid(input, `invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) invalid(input, `invalid tag "${tag}"`);
  }
  let registry = DEFAULT_REGISTRY;
  let repository = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const head = rest.slice(0, firstSlash);
    if (head.includes('.') || head.includes(':') || head === 'localhost' || head.startsWith('[')) {
      registry = head;
      repository = rest.slice(firstSlash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '') invalid(input, 'missing repository');
  for (const part of repository.split('/')) {
    if (!COMPONENT_RE.test(part)) invalid(input, `invalid repository component "${part}" (lowercase letters, digits, separators)`);
  }
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository[:tag][@digest]` in canonical form. */
export function formatDockerReference(ref: DockerReference): string {
  let s = `${ref.registry}/${ref.repository}`;
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** Splits `PATH[:SUFFIX]` where the suffix is a tag/reference; the path may itself contain no colon. */
function splitPathSuffix(s: string): { path: string; suffix?: string } {
  const i = s.indexOf(':');
  if (i < 0) return { path: s };
  return { path: s.slice(0, i), suffix: s.slice(i + 1) || undefined } as { path: string; suffix?: string };
}

export function parseImageReference(raw: string): ImageReference {
  const s = raw.trim();
  if (s.startsWith('docker://')) return { transport: 'docker', ref: parseDockerReference(s.slice(9)), raw };
  const m = /^([a-z-]+):(.*)$/.exec(s);
  if (m) {
    const [, transport, rest] = m as unknown as [string, string, string];
    switch (transport) {
      case 'oci': {
        const { path, suffix } = splitPathSuffix(rest);
        if (!path) invalid(raw, 'missing directory');
        return { transport: 'oci', path, ...(suffix ? { tag: suffix } : {}), raw };
      }
      case 'oci-archive': {
        const { path, suffix } = splitPathSuffix(rest);
        if (!path) invalid(raw, 'missing file');
        return { transport: 'oci-archive', path, ...(suffix ? { tag: suffix } : {}), raw };
      }
      case 'docker-archive': {
        const { path, suffix } = splitPathSuffix(rest);
        if (!path) invalid(raw, 'missing file');
        return { transport: 'docker-archive', path, ...(suffix ? { ref: suffix } : {}), raw };
      }
      case 'rootfs':
      case 'dir':
        if (!rest) invalid(raw, 'missing directory');
        return { transport: 'rootfs', path: rest, raw };
      case 'docker':
        invalid(raw, 'use docker://REF');
        break;
      default:
        // Not a transport: could be `host:port/repo` or `repo:tag`.
        if (/^(containers-storage|docker-daemon|ostree|sif)$/.test(transport)) {
          throw new PortcullisError({
            code: 'UNSUPPORTED_TRANSPORT',
            message: `Transport "${transport}:" is not supported`,
            hint: 'Export the image first, e.g. `skopeo copy ' + raw + ' oci-archive:image.tar`, then scan oci-archive:image.tar.',
          });
        }
    }
  }
  return { transport: 'docker', ref: parseDockerReference(s), raw };
}

/** Whether a registry host is on the loopback interface (plain HTTP allowed). */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0]!;
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
