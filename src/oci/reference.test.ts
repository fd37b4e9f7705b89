import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../core/errors.js';
import { isLoopbackHost, parseDockerReference, parseImageReference } from './reference.js';

describe('parseDockerReference', () => {
  it.each([
    ['debian', { registry: 'docker.io', repository: 'library/debian', tag: 'latest' }],
    ['debian:12', { registry: 'docker.io', repository: 'library/debian', tag: '12' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['index.docker.io/library/alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['127.0.0.1:5000/app', { registry: '127.0.0.1:5000', repository: 'app', tag: 'latest' }],
    ['localhost/team/app:v1', { registry: 'localhost', repository: 'team/app', tag: 'v1' }],
    ['ghcr.io/org/sub/app:1.0.0-rc.1', { registry: 'ghcr.io', repository: 'org/sub/app', tag: '1.0.0-rc.1' }],
    [
      'quay.io/a/b@sha256:' + 'a'.repeat(64),
      { registry: 'quay.io', repository: 'a/b', digest: 'sha256:' + 'a'.repeat(64) },
    ],
    [
      'quay.io/a/b:t@sha256:' + 'b'.repeat(64),
      { registry: 'quay.io', repository: 'a/b', tag: 't', digest: 'sha256:' + 'b'.repeat(64) },
    ],
  ])('%s', (input, expected) => {
    expect(parseDockerReference(input)).toEqual(expected);
  });

  it.each(['', 'UPPER/case', 'a/b:bad tag', 'a@sha256:short', 'host:5000/'])('rejects %j with INVALID_REFERENCE', (input) => {
    try {
      parseDockerReference(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PortcullisError);
      expect((err as PortcullisError).code).toBe('INVALID_REFERENCE');
    }
  });
});

describe('parseImageReference', () => {
  it.each([
    ['docker://alpine', 'docker'],
    ['alpine:3', 'docker'],
    ['localhost:5000/x:1', 'docker'],
    ['oci:/tmp/layout:app', 'oci'],
    ['oci-archive:/tmp/a.tar', 'oci-archive'],
    ['docker-archive:/tmp/a.tar:repo:tag', 'docker-archive'],
    ['rootfs:/', 'rootfs'],
    ['dir:./x', 'rootfs'],
  ])('%s → %s', (input, transport) => {
    expect(parseImageReference(input).transport).toBe(transport);
  });

  it('keeps tags and refs of local transports', () => {
    expect(parseImageReference('oci:/tmp/layout:app')).toMatchObject({ path: '/tmp/layout', tag: 'app' });
    expect(parseImageReference('docker-archive:/x.tar:repo/a:1')).toMatchObject({ path: '/x.tar', ref: 'repo/a:1' });
  });

  it('refuses transports we cannot read, with a hint', () => {
    expect(() => parseImageReference('containers-storage:alpine')).toThrowCode('UNSUPPORTED_TRANSPORT', '"containers-storage:"');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['localhost', true],
    ['[::1]:5000', true],
    ['127.3.2.1', true],
    ['registry.example.com', false],
    ['10.0.0.1:5000', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
