import { describe, expect, it } from 'vitest';
import { affectedCpeUri, osCpeUri, packageCpeUri } from './grafeas-cpe.js';

describe('osCpeUri', () => {
  it.each([
    [{ id: 'debian', versionId: '12' }, 'cpe:/o:debian:debian_linux:12'],
    [{ id: 'ubuntu', versionId: '22.04' }, 'cpe:/o:canonical:ubuntu_linux:22.04'],
    [{ id: 'alpine', versionId: '3.20.3' }, 'cpe:/o:alpinelinux:alpine_linux:3.20.3'],
    [{ id: 'rhel', versionId: '9.4' }, 'cpe:/o:redhat:enterprise_linux:9.4'],
    [{ id: 'debian' }, 'cpe:/o:debian:debian_linux'],
    [{ id: 'Some OS', versionId: '1 beta' }, 'cpe:/o:some%20os:some%20os_linux:1%20beta'],
  ])('%j → %s', (os, cpe) => expect(osCpeUri(os)).toBe(cpe));
});

describe('packageCpeUri', () => {
  it.each([
    [{ purl: 'pkg:npm/%40scope/lib@1.2.3', type: 'npm', name: '@scope/lib' }, 'cpe:/a:%40scope:lib:1.2.3'],
    [{ purl: 'pkg:pypi/requests@2.31.0', type: 'pypi', name: 'requests' }, 'cpe:/a:pypi:requests:2.31.0'],
    [{ purl: 'pkg:golang/golang.org/x/net@v0.17.0', type: 'golang', name: 'golang.org/x/net' }, 'cpe:/a:golang.org%2fx:net:v0.17.0'],
    [{ type: 'gem', name: 'Rails', version: '7.0.0' }, 'cpe:/a:gem:rails:7.0.0'],
    [{ purl: 'not a purl', type: 'npm', name: 'x', version: '1' }, 'cpe:/a:npm:x:1'],
  ])('%j → %s', (p, cpe) => expect(packageCpeUri(p)).toBe(cpe));

  it('prefers the OS', () => {
    expect(affectedCpeUri({ id: 'debian', versionId: '12' }, { type: 'npm', name: 'x' })).toBe('cpe:/o:debian:debian_linux:12');
    expect(affectedCpeUri(undefined, { type: 'npm', name: 'x', version: '1' })).toBe('cpe:/a:npm:x:1');
  });
});
