import { describe, expect, it } from 'vitest';
import type { Package } from '../core/types.js';
import { parseAgent, spdxAgent, supplierOf } from './supplier.js';

const pkg = (metadata: Record<string, string>): Package => ({
  id: '0000000000000001',
  name: 'x',
  version: '1',
  type: 'deb',
  purl: 'pkg:deb/debian/x@1',
  foundBy: 'dpkg',
  licenses: [],
  locations: [{ path: '/var/lib/dpkg/status' }],
  metadata,
});

describe('parseAgent', () => {
  it.each([
    ['Matthias Klose <doko@debian.org>', { name: 'Matthias Klose', email: 'doko@debian.org' }],
    [
      '"Debian Python Team" <team+python@tracker.debian.org>',
      { name: 'Debian Python Team', email: 'team+python@tracker.debian.org' },
    ],
    ['Red Hat, Inc.', { name: 'Red Hat, Inc.' }],
    [
      '<root@localhost.localdomain>',
      { name: 'root@localhost.localdomain', email: 'root@localhost.localdomain' },
    ],
    ['Someone <not an email>', { name: 'Someone' }],
    ['   ', undefined],
    ['<>', undefined],
  ])('%s', (raw, expected) => {
    expect(parseAgent(raw)).toEqual(expected);
  });
});

describe('supplierOf / spdxAgent', () => {
  it.each([
    [{ maintainer: 'Matthias Klose <doko@debian.org>' }, 'Person: Matthias Klose (doko@debian.org)'],
    [
      { maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>' },
      'Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)',
    ],
    [
      { maintainer: 'Natanael Copa <ncopa@alpinelinux.org>' },
      'Person: Natanael Copa (ncopa@alpinelinux.org)',
    ],
    [{ vendor: 'Red Hat, Inc.' }, 'Organization: Red Hat, Inc.'],
    [{ vendor: 'Fedora Project', maintainer: 'x <x@y.z>' }, 'Organization: Fedora Project'],
    [{ maintainer: 'Jane (JD) Doe <jd@example.org>' }, 'Person: Jane JD Doe (jd@example.org)'],
  ])('%j → %s', (metadata, expected) => {
    expect(spdxAgent(supplierOf(pkg(metadata))!)).toBe(expected);
  });

  it('is undefined without maintainer or vendor', () => {
    expect(supplierOf(pkg({ dev: 'true' }))).toBeUndefined();
  });
});
