import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../core/types.js';
import { artifactName, artifactPurl } from './artifact.js';

const D = 'sha256:' + 'ab'.repeat(32);
const result = (a: Partial<ArtifactInfo>) => ({
  artifact: { reference: 'x', transport: 'docker' as const, layers: [], ...a },
  packages: [],
  unknowns: [],
});

describe('artifactPurl', () => {
  it.each([
    [
      'registry with port, tag and platform',
      {
        repository: '127.0.0.1:5000/team/App',
        tag: '1.0',
        digest: D,
        platform: { os: 'linux', architecture: 'arm64' },
      },
      `pkg:oci/app@sha256%3A${D.slice(7)}?arch=arm64&repository_url=127.0.0.1:5000/team/App&tag=1.0`,
    ],
    [
      'Docker Hub library image',
      { repository: 'docker.io/library/debian', digest: D },
      `pkg:oci/debian@sha256%3A${D.slice(7)}?repository_url=docker.io/library/debian`,
    ],
    [
      'no repository (oci-archive)',
      { transport: 'oci-archive', reference: 'oci-archive:app.tar', digest: D },
      `pkg:oci/image@sha256%3A${D.slice(7)}`,
    ],
    [
      'tag with characters to encode',
      { repository: 'r/a', tag: 'v1+build', digest: D },
      `pkg:oci/a@sha256%3A${D.slice(7)}?repository_url=r/a&tag=v1%2Bbuild`,
    ],
    ['no digest', { repository: 'r/a', tag: '1' }, undefined],
    ['rootfs', { transport: 'rootfs', reference: 'rootfs:/srv', digest: D }, undefined],
  ] as const)('%s', (_name, artifact, expected) => {
    const purl = artifactPurl(result(artifact));
    expect(purl).toBe(expected);
    if (purl) {
      // Other tools parse it back to the same parts.
      const parsed = PackageURL.fromString(purl);
      expect([parsed.type, parsed.version]).toEqual(['oci', D]);
      if ('repository' in artifact) expect(parsed.qualifiers?.repository_url).toBe(artifact.repository);
    }
  });
});

describe('artifactName', () => {
  it.each([
    [
      { repository: 'registry.example.com/a/b', reference: 'docker://registry.example.com/a/b:1' },
      'registry.example.com/a/b',
    ],
    [{ transport: 'rootfs', reference: 'rootfs:/srv/root' }, '/srv/root'],
    [{ transport: 'oci', reference: 'oci:/srv/layouts/app:app' }, 'oci:/srv/layouts/app:app'],
  ] as const)('%j → %s', (a, expected) => {
    expect(artifactName(result(a))).toBe(expected);
  });
});
