/** The default feeds table: unique ids, public URLs in the feeds' own layouts, one mirror layout. */
import { describe, expect, it } from 'vitest';
import { ALPINE_RELEASES, DEFAULT_SOURCES, OSV_ECOSYSTEMS, defaultSourceById, sourceUrl } from './defaults.js';

describe('DEFAULT_SOURCES', () => {
  it('has unique ids and mirror paths', () => {
    expect(new Set(DEFAULT_SOURCES.map((s) => s.id)).size).toBe(DEFAULT_SOURCES.length);
    expect(new Set(DEFAULT_SOURCES.map((s) => s.mirrorPath)).size).toBe(DEFAULT_SOURCES.length);
  });

  it('covers every OSV ecosystem the matcher uses, the Debian tracker and Alpine main/community per release', () => {
    for (const eco of ['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'Packagist', 'Debian', 'Alpine', 'Ubuntu']) expect(OSV_ECOSYSTEMS).toContain(eco);
    expect(DEFAULT_SOURCES.filter((s) => s.kind === 'osv')).toHaveLength(OSV_ECOSYSTEMS.length);
    expect(DEFAULT_SOURCES.filter((s) => s.kind === 'debian-tracker')).toHaveLength(1);
    expect(DEFAULT_SOURCES.filter((s) => s.kind === 'alpine-secdb')).toHaveLength(ALPINE_RELEASES.length * 2);
  });

  it.each([
    ['osv:npm', 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip', 'osv/npm/all.zip'],
    ['osv:crates.io', 'https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip', 'osv/crates.io/all.zip'],
    ['osv:PyPI', 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip', 'osv/PyPI/all.zip'],
    ['debian-tracker', 'https://security-tracker.debian.org/tracker/data/json', 'debian/tracker.json'],
    ['alpine-secdb:3.19:main', 'https://secdb.alpinelinux.org/v3.19/main.json', 'alpine/v3.19/main.json'],
    ['alpine-secdb:3.19:community', 'https://secdb.alpinelinux.org/v3.19/community.json', 'alpine/v3.19/community.json'],
  ])('%s: public %s, mirror path %s', (id, url, path) => {
    const s = defaultSourceById(id)!;
    expect(s.url).toBe(url);
    expect(s.mirrorPath).toBe(path);
    expect(sourceUrl(s)).toBe(url);
    expect(sourceUrl(s, 'https://mirror.example/portcullis')).toBe(`https://mirror.example/portcullis/${path}`);
    expect(sourceUrl(s, 'https://mirror.example/portcullis/')).toBe(`https://mirror.example/portcullis/${path}`);
  });

  it('every public URL is https', () => {
    for (const s of DEFAULT_SOURCES) expect(new URL(s.url).protocol).toBe('https:');
  });
});
