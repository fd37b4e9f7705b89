/**
 * Real image fixtures, built once by test/fixtures/build.sh (debootstrap, apt, npm, go, umoci,
 * skopeo) and cached between runs. Fixture code does not depend on Portcullis.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export interface FixturePaths {
  cache: string;
  ociLayout: string;
  ociTag: string;
  ociArchive: string;
  dockerArchive: string;
  zstdLayout: string;
  plainLayout: string;
  rootfsApp: string;
  expectedDpkg: string;
  expectedDpkgLayer2: string;
  expectedNpmLs: string;
  expectedGo: string;
  removedNpm: string;
  removedDpkg: string;
}

const DIR = resolve(import.meta.dirname, '..', 'fixtures');
let built = false;

export async function ensureFixtures(): Promise<FixturePaths> {
  if (!built) {
    execFileSync('bash', [join(DIR, 'build.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
    built = true;
  }
  const cache = join(DIR, 'cache');
  const e = (f: string) => join(cache, 'expected', f);
  return {
    cache,
    ociLayout: join(cache, 'oci'),
    ociTag: 'app',
    ociArchive: join(cache, 'app.oci.tar'),
    dockerArchive: join(cache, 'app.docker.tar'),
    zstdLayout: join(cache, 'app-zstd'),
    plainLayout: join(cache, 'app-plain'),
    rootfsApp: join(cache, 'rootfs-app'),
    expectedDpkg: e('dpkg.txt'),
    expectedDpkgLayer2: e('dpkg-l2.txt'),
    expectedNpmLs: e('npm-ls.json'),
    expectedGo: e('go-version-m.txt'),
    removedNpm: e('removed-npm.txt'),
    removedDpkg: e('removed-dpkg.txt'),
  };
}
