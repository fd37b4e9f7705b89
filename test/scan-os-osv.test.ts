/**
 * A distribution's own OSV feed (Debian:12 records) and a Go vulndb record imported into the store
 * and matched against the real Debian fixture image: the open tar issue is found, the patched glibc
 * is not, the Go binary's 1.19.8 stdlib is, and the scan does not claim "no advisory data".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
let fx: FixturePaths;
let work: string;

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-osv-os-'));
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Debian OSV records against the fixture image', () => {
  it('finds tar CVE-2005-2541 (unfixed), not glibc CVE-2023-4911 (fixed below the installed 2.36-9+deb12u14); Go vulndb finds the Go 1.19.8 stdlib', () => {
    const dataDir = join(work, 'db');
    const imp = cli(['db', 'import', join(TD, 'DSA-5514-1.json'), join(TD, 'DEBIAN-CVE-2005-2541.json'), join(TD, 'GO-2023-1878.json'), '--data-dir', dataDir, '-q']);
    expect(imp.status).toBe(0);
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Debian and Go data were imported, npm's was not: said so, never folded into "0 vulnerabilities".
    expect(doc.notes).toEqual([expect.stringMatching(/^No advisory data for npm: its \d+ packages were not checked/)]);
    expect(doc.coverage.uncovered.map((e: { ecosystem: string }) => e.ecosystem)).toEqual(['npm']);
    const got = doc.vulnerabilities.map((v: { packageName: string; id: string; aliases: string[]; state: string; fixedVersions: string[]; installedVersion: string }) => [v.packageName, v.installedVersion, v.id, v.aliases, v.state, v.fixedVersions]);
    expect(got.sort()).toEqual([
      ['stdlib', '1.19.8', 'CVE-2023-29406', ['GO-2023-1878'], 'fixed', ['1.19.11', '1.20.6']],
      ['tar', '1.34+dfsg-1.2+deb12u1', 'CVE-2005-2541', ['DEBIAN-CVE-2005-2541'], 'unfixed', []],
    ]);
  }, 300_000);
});
