/**
 * A distribution's own OSV feed (Debian:12 records) imported into the store and matched against the
 * real Debian fixture image: the open tar issue is found, the patched glibc is not, and the scan
 * does not claim "no advisory data" for bookworm.
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
  it('finds tar CVE-2005-2541 (unfixed), not glibc CVE-2023-4911 (fixed below the installed 2.36-9+deb12u14)', () => {
    const dataDir = join(work, 'db');
    const imp = cli(['db', 'import', join(TD, 'DSA-5514-1.json'), join(TD, 'DEBIAN-CVE-2005-2541.json'), '--data-dir', dataDir, '-q']);
    expect(imp.status).toBe(0);
    const r = cli(['scan', 'image', `oci:${fx.ociLayout}:app`, '--data-dir', dataDir, '--format', 'json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.notes).toEqual([]);
    expect(doc.vulnerabilities.map((v: { packageName: string; id: string; aliases: string[]; state: string }) => [v.packageName, v.id, v.aliases, v.state])).toEqual([['tar', 'CVE-2005-2541', ['DEBIAN-CVE-2005-2541'], 'unfixed']]);
  }, 300_000);
});
