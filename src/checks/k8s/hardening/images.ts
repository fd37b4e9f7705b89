/**
 * Container image references as the runtime reads them: `[registry/]repository[:tag][@digest]`,
 * the registry being the first component when it has a `.` or `:` or is `localhost`, else Docker
 * Hub (`docker.io`, with `library/` for one-component names).
 */

export interface ImageName {
  registry: string;
  /** `library/nginx`, `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export function parseImageName(image: string): ImageName {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.indexOf('/');
  const head = first >= 0 ? rest.slice(0, first) : '';
  let registry = DOCKER_HUB;
  let repository = rest;
  if (first >= 0 && (head.includes('.') || head.includes(':') || head === 'localhost')) {
    registry = head.toLowerCase();
    repository = rest.slice(first + 1);
  }
  if (HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Whether an image comes from a trusted registry: each entry is a registry host
 * (`registry.example.org`, `docker.io`) or a repository prefix (`ghcr.io/acme`).
 */
export function isTrustedImage(name: ImageName, trusted: readonly string[]): boolean {
  const full = `${name.registry}/${name.repository}`;
  return trusted.some((t) => {
    const e = t.trim().replace(/\/+$/, '').toLowerCase();
    const norm = HUB_ALIASES.has(e.split('/')[0]!) ? [DOCKER_HUB, ...e.split('/').slice(1)].join('/') : e;
    return norm === name.registry || full === norm || full.startsWith(`${norm}/`);
  });
}
