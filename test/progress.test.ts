/**
 * Progress: bars per layer on a terminal (a real pseudo-terminal via `script`), nothing when
 * piped or with --quiet.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let fx: FixturePaths;

beforeAll(async () => {
  fx = await ensureFixtures();
}, 900_000);

function inTty(args: string): string {
  // `script` gives the command a pty; stdout goes to /dev/null so only stderr (progress) shows.
  const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} ${args} > /dev/null`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '120', TERM: 'xterm' } });
  return r.stdout;
}

describe('progress', () => {
  it('shows per-layer bytes on a terminal', () => {
    const out = inTty(`sbom oci:${fx.ociLayout}:app --no-cache`);
    expect(out).toMatch(/layer \d+ \|/);
    expect(out).toMatch(/MiB|KiB/);
  });

  it('is silent with --quiet on a terminal', () => {
    const out = inTty(`sbom oci:${fx.ociLayout}:app --no-cache --quiet`);
    expect(out).not.toMatch(/layer \d+ \|/);
  });

  it('is silent when stderr is not a terminal', () => {
    const r = spawnSync(process.execPath, [CLI, 'sbom', `oci:${fx.ociLayout}:app`, '--no-cache'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
