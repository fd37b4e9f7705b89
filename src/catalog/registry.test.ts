/** Contract test: every registered cataloger has the shape the scanner relies on. */
import { describe, expect, it } from 'vitest';
import { CATALOGERS } from './registry.js';
import { CATALOGER_TAGS } from './types.js';

describe('cataloger registry', () => {
  it('ids are unique and kebab-case', () => {
    const ids = CATALOGERS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(CATALOGERS.map((c) => [c.id, c] as const))('%s implements the contract', (_id, c) => {
    expect(Number.isInteger(c.version) && c.version > 0).toBe(true);
    expect(c.tags.length).toBeGreaterThan(0);
    for (const t of c.tags) expect(CATALOGER_TAGS).toContain(t);
    expect(typeof c.wants).toBe('function');
    expect(typeof c.parse).toBe('function');
    expect(typeof c.assemble).toBe('function');
    if (c.maxFileSize !== undefined) expect(c.maxFileSize).toBeLessThanOrEqual(512 * 1024 * 1024);
    // wants() must be cheap and must not match everything.
    expect(c.wants({ path: 'usr/share/doc/README', mode: 0o100644, size: 10 })).toBe(false);
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) c.wants({ path: `usr/lib/x86_64-linux-gnu/some/deep/path/file-${i}.so`, mode: 0o100644, size: 1000 });
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('every ecosystem the foundation promises is registered', () => {
    const ids = CATALOGERS.map((c) => c.id);
    for (const id of ['dpkg', 'apk', 'rpm', 'npm-installed', 'npm-lock', 'yarn-lock', 'pnpm-lock', 'python-installed', 'python-lock', 'go-binary', 'go-mod', 'java-archive', 'cargo-lock', 'gemfile-lock', 'gem-installed', 'composer-lock', 'composer-installed', 'python-project', 'maven-project', 'composer-project']) {
      expect(ids).toContain(id);
    }
  });
});
