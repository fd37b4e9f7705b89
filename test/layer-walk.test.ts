/**
 * The layer walk on real tarballs: hardlinks, symlinks, opaque directories and whiteouts across
 * layers, entries without directory records, and per-layer attribution.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';
import { gzLayer, makeTar, writeOciLayout } from './support/oci-builder.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let work: string;
let fx: FixturePaths;

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-walk-'));
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sbom(target: string) {
  const r = spawnSync(process.execPath, [CLI, 'sbom', target, '--format', 'json', '--quiet', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { packages: { name: string; type: string; locations: { path: string; layerDiffId?: string }[] }[]; artifact: { layers: { diffId: string }[] } };
}

const npmPkg = (name: string, version: string) => JSON.stringify({ name, version, license: 'MIT' });

describe('layer walk', () => {
  it('a hardlink to a Go binary is catalogued at both paths', async () => {
    const bin = readFileSync(join(fx.rootfsApp, 'usr/local/bin/hello'));
    const tar = await makeTar([
      { name: 'usr/bin/hello', content: bin, mode: 0o755 },
      { name: 'usr/bin/hello-again', type: 'link', linkname: 'usr/bin/hello' },
    ]);
    const rep = sbom(writeOciLayout(join(work, 'hard'), { layers: [gzLayer(tar)] }));
    const paths = rep.packages.filter((p) => p.name === 'stdlib').map((p) => p.locations[0]!.path).sort();
    expect(paths).toEqual(['/usr/bin/hello', '/usr/bin/hello-again']);
  });

  it('opaque directories and whiteouts hide lower packages; re-adding in a higher layer attributes there', async () => {
    const l0 = await makeTar([
      { name: 'app/node_modules/a/package.json', content: npmPkg('a', '1.0.0') },
      { name: 'app/node_modules/b/package.json', content: npmPkg('b', '1.0.0') },
      { name: 'srv/node_modules/c/package.json', content: npmPkg('c', '1.0.0') },
    ]);
    const l1 = await makeTar([
      { name: 'app/node_modules/.wh..wh..opq', content: '' },
      { name: 'app/node_modules/b/package.json', content: npmPkg('b', '2.0.0') },
      { name: 'srv/.wh.node_modules', content: '' },
    ]);
    const l2 = await makeTar([{ name: 'srv/node_modules/c/package.json', content: npmPkg('c', '1.0.0') }]);
    const rep = sbom(writeOciLayout(join(work, 'opaque'), { layers: [gzLayer(l0), gzLayer(l1), gzLayer(l2)] }));
    const npm = rep.packages.filter((p) => p.type === 'npm');
    expect(npm.map((p) => p.name + '@' + (p as unknown as { version: string }).version).sort()).toEqual(['b@2.0.0', 'c@1.0.0']);
    const layerOf = (n: string) => rep.artifact.layers.findIndex((l) => l.diffId === npm.find((p) => p.name === n)!.locations[0]!.layerDiffId);
    expect(layerOf('b')).toBe(1);
    expect(layerOf('c')).toBe(2);
  });

  it('os-release behind a symlink in a lower layer is followed', async () => {
    const l0 = await makeTar([{ name: 'usr/lib/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' }]);
    const l1 = await makeTar([{ name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' }]);
    const r = spawnSync(process.execPath, [CLI, 'sbom', writeOciLayout(join(work, 'sym'), { layers: [gzLayer(l0), gzLayer(l1)] }), '-f', 'json', '-q', '--no-cache'], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout).os).toMatchObject({ id: 'alpine', versionId: '3.20.0' });
  });
});
