/**
 * End to end on real images built by test/fixtures/build.sh: every transport, exactness against
 * the real tools' own listings, whiteouts, layer attribution, schema validity, the layer cache,
 * and registry auth — all through the built CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateJsonReport } from '../src/report/validate.js';
import { validateCycloneDx, validateSpdx } from '../src/sbom/validate.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, startRegistryWithAuth, type Registry } from './support/registry.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

interface Pkg {
  name: string;
  version: string;
  type: string;
  purl: string;
  foundBy: string;
  locations: { path: string; layerDiffId?: string }[];
  source?: { name: string; version?: string };
}
interface Report {
  schemaVersion: number;
  artifact: { digest?: string; layers: { index: number; diffId: string; createdBy?: string }[]; config?: { exposedPorts?: string[] } };
  os?: { id: string; versionId?: string };
  packages: Pkg[];
  unknowns: unknown[];
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sbomJson(target: string, extra: string[] = [], env: Record<string, string> = {}): Report {
  const r = cli(['sbom', target, '--format', 'json', '--quiet', ...extra], env);
  if (r.status !== 0) throw new Error(`sbom ${target} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).sort();
}

/** The project `npm ls` lists at its top: the application's own `name@version`. */
function npmLsRoot(file: string): string {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
  return `${doc.name}@${doc.version}`;
}

function npmLsSet(file: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, { version?: string; dependencies?: unknown }> };
  const out = new Set<string>();
  const walk = (deps: Record<string, { version?: string; dependencies?: unknown; missing?: boolean }> | undefined) => {
    for (const [name, d] of Object.entries(deps ?? {})) {
      if (d.version && !d.missing) out.add(`${name}@${d.version}`);
      walk(d.dependencies as Record<string, { version?: string }> | undefined);
    }
  };
  walk(doc.dependencies);
  return [...out].sort();
}

let fx: FixturePaths;
let registry: Registry;
let authRegistry: Registry;
let work: string;

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
  registry = await startRegistry();
  await pushWithSkopeo(`oci:${fx.ociLayout}:app`, `docker://${registry.host}/fixture/app:1`);
  authRegistry = await startRegistryWithAuth();
  await pushWithSkopeo(`oci:${fx.ociLayout}:app`, `docker://${authRegistry.host}/private/app:1`, { user: authRegistry.user!, password: authRegistry.password! });
}, 900_000);

afterAll(async () => {
  await registry?.stop();
  await authRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const transports: [string, (f: FixturePaths, r: Registry) => string][] = [
  ['oci', (f) => `oci:${f.ociLayout}:app`],
  ['oci-archive', (f) => `oci-archive:${f.ociArchive}`],
  ['docker-archive', (f) => `docker-archive:${f.dockerArchive}`],
  ['oci (zstd layers)', (f) => `oci:${f.zstdLayout}:app`],
  ['oci (uncompressed layers)', (f) => `oci:${f.plainLayout}:app`],
  ['docker:// registry', (_f, r) => `docker://${r.host}/fixture/app:1`],
  ['registry without transport prefix', (_f, r) => `${r.host}/fixture/app:1`],
  ['rootfs', (f) => `rootfs:${f.rootfsApp}`],
];

describe.each(transports)('sbom via %s', (name, target) => {
  let report: Report;
  beforeAll(() => {
    report = sbomJson(target(fx, registry), ['--no-cache']);
  });

  it('finds exactly the dpkg packages dpkg-query lists', () => {
    const found = report.packages.filter((p) => p.type === 'deb').map((p) => `${p.name} ${p.version}`).sort();
    expect(found).toEqual(lines(fx.expectedDpkg));
  });

  it('does not report a package removed in an upper layer', () => {
    const removed = readFileSync(fx.removedDpkg, 'utf8').trim();
    expect(lines(fx.expectedDpkgLayer2).some((l) => l.startsWith(removed + ' '))).toBe(true);
    expect(report.packages.some((p) => p.type === 'deb' && p.name === removed)).toBe(false);
  });

  it('finds exactly the npm packages `npm ls --all` listed (the project itself included), less the one removed in an upper layer', () => {
    const removed = readFileSync(fx.removedNpm, 'utf8').trim();
    const expected = [...npmLsSet(fx.expectedNpmLs).filter((p) => !p.startsWith(`${removed}@`)), npmLsRoot(fx.expectedNpmLs)].sort();
    expect(npmLsSet(fx.expectedNpmLs).length).toBe(expected.length);
    const found = [...new Set(report.packages.filter((p) => p.type === 'npm').map((p) => `${p.name}@${p.version}`))].sort();
    expect(found).toEqual(expected);
    expect(report.packages.filter((p) => p.type === 'npm').every((p) => p.foundBy === 'npm-installed')).toBe(true);
  });

  it('reports the applications once each, marked: /app/package.json and the Go binary’s main module', () => {
    const apps = report.packages.filter((p) => (p as Pkg & { metadata?: Record<string, string> }).metadata?.application === 'true');
    expect(apps.map((p) => `${p.purl} ${p.foundBy} ${p.locations.map((l) => l.path).join(',')}`).sort()).toEqual([
      'pkg:golang/example.com/hello go-binary /usr/local/bin/hello',
      `pkg:npm/${npmLsRoot(fx.expectedNpmLs)} npm-installed /app/package.json`,
    ]);
    const npmApps = apps.filter((p) => p.type === 'npm');
    if (name !== 'rootfs') {
      // Written by the `COPY app /app && npm ci` layer.
      const layer = report.artifact.layers.find((l) => l.diffId === npmApps[0]!.locations[0]!.layerDiffId);
      expect(layer?.index).toBe(2);
      expect(layer?.createdBy).toContain('npm ci');
    }
  });

  it('detects the OS', () => {
    expect(report.os).toMatchObject({ id: 'debian', versionId: '12' });
    expect(report.packages.find((p) => p.name === 'bash')?.purl).toMatch(/^pkg:deb\/debian\/bash@[^?]+\?arch=amd64&distro=debian-12$/);
  });

  if (name !== 'rootfs') {
    it('attributes packages to the layer that introduced them', () => {
      const layers = report.artifact.layers;
      expect(layers).toHaveLength(5);
      const layerOf = (pkg: string) => {
        const diff = report.packages.find((p) => p.type === 'deb' && p.name === pkg)?.locations[0]?.layerDiffId;
        return layers.find((l) => l.diffId === diff)?.index;
      };
      expect(layerOf('bash')).toBe(0);
      expect(layerOf('python3-requests')).toBe(1);
      expect(layers[1]!.createdBy).toContain('apt-get install');
    });
  }
});

describe('intermediate image (before the removal layer)', () => {
  it('has every npm package npm ls lists and the dpkg package removed later', () => {
    const rep = sbomJson(`oci:${fx.ociLayout}:l3`, ['--no-cache']);
    expect([...new Set(rep.packages.filter((p) => p.type === 'npm').map((p) => `${p.name}@${p.version}`))].sort()).toEqual([...npmLsSet(fx.expectedNpmLs), npmLsRoot(fx.expectedNpmLs)].sort());
    expect(rep.packages.filter((p) => p.type === 'deb').map((p) => `${p.name} ${p.version}`).sort()).toEqual(lines(fx.expectedDpkgLayer2));
  });
});

describe('image identity and formats', () => {
  it('reports the same manifest digest via the registry and the OCI layout', () => {
    const a = sbomJson(`oci:${fx.ociLayout}:app`);
    const b = sbomJson(`docker://${registry.host}/fixture/app:1`);
    expect(a.artifact.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(b.artifact.digest).toBe(a.artifact.digest);
    expect(a.artifact.config?.exposedPorts).toEqual(['8080/tcp']);
  });

  it.each([
    ['cyclonedx', validateCycloneDx],
    ['spdx-json', validateSpdx],
  ] as const)('%s output of the real image validates against the official schema', (format, validate) => {
    const r = cli(['sbom', `oci-archive:${fx.ociArchive}`, '--format', format, '--quiet']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    const res = validate(doc);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it('the JSON report of the real image validates against its published schema', () => {
    expect(validateJsonReport(sbomJson(`oci:${fx.ociLayout}:app`))).toEqual({ valid: true, errors: [] });
  });

  it('finds the Python, Java and Go packages of their layers', () => {
    const rep = sbomJson(`oci-archive:${fx.ociArchive}`);
    const layerIndex = (p: Pkg) => rep.artifact.layers.find((l) => l.diffId === p.locations[0]!.layerDiffId)?.index;
    const oracle = execFileSync('python3', ['-c', `import importlib.metadata as m\nfor d in m.distributions(path=[${JSON.stringify(join(fx.rootfsApp, 'usr/lib/python3/dist-packages'))}]):\n  print(d.metadata['Name'].lower().replace('_','-'), d.version)`], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    const pypi = rep.packages.filter((p) => p.type === 'pypi');
    expect(pypi.map((p) => `${p.name.toLowerCase().replace(/_/g, '-')} ${p.version}`).sort()).toEqual(oracle);
    expect(pypi.every((p) => layerIndex(p) === 1)).toBe(true);
    // Installed by dpkg: marked so vulnerability matching defers to Debian's advisories.
    expect((pypi.find((p) => p.name === 'requests') as Pkg & { metadata?: Record<string, string> }).metadata?.osPackage).toBe('deb:python3-requests');
    const maven = rep.packages.filter((p) => p.type === 'maven').map((p) => p.purl);
    expect(maven).toContain('pkg:maven/org.apache.commons/commons-lang3@3.12.0');
    expect(maven.some((p) => p.startsWith('pkg:maven/org.slf4j/slf4j-api@'))).toBe(true);
    const go = rep.packages.filter((p) => p.type === 'golang');
    const goVersion = /: (go\S+)/.exec(readFileSync(fx.expectedGo, 'utf8'))![1]!.slice(2);
    expect(go.map((p) => p.purl).sort()).toEqual(['pkg:golang/example.com/greet', 'pkg:golang/example.com/hello', `pkg:golang/stdlib@${goVersion}`]);
    expect(go.every((p) => layerIndex(p) === 3 && p.locations[0]!.path === '/usr/local/bin/hello')).toBe(true);
    expect(rep.packages.filter((p) => p.type === 'npm').every((p) => layerIndex(p) === 2)).toBe(true);
  });

  it('writes to -o FILE and prints a table by default', () => {
    const out = join(work, 'sbom.cdx.json');
    expect(cli(['sbom', `oci:${fx.ociLayout}:app`, '-f', 'cyclonedx', '-o', out, '--quiet']).status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).bomFormat).toBe('CycloneDX');
    const t = cli(['sbom', `oci:${fx.ociLayout}:app`, '--quiet']);
    expect(t.stdout).toMatch(/^NAME\s+VERSION\s+TYPE\s+LAYER\s+PATH$/m);
    expect(t.stdout).toMatch(/^bash\s+5\.2/m);
  });
});

describe('layer cache', () => {
  it('a warm re-scan reads no layer blob (they can even be destroyed) and gives the same result', () => {
    const copy = join(work, 'layout-copy');
    cpSync(fx.ociLayout, copy, { recursive: true });
    const cacheDir = join(work, 'cache');
    const cold = sbomJson(`oci:${copy}:app`, ['--cache-dir', cacheDir]);
    const index = JSON.parse(readFileSync(join(copy, 'index.json'), 'utf8'));
    const desc = index.manifests.find((m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name'] === 'app');
    const manifest = JSON.parse(readFileSync(join(copy, 'blobs', 'sha256', desc.digest.slice(7)), 'utf8'));
    for (const l of manifest.layers) truncateSync(join(copy, 'blobs', 'sha256', l.digest.slice(7)), 10);
    const warm = sbomJson(`oci:${copy}:app`, ['--cache-dir', cacheDir]);
    expect(warm.packages).toEqual(cold.packages);
    expect(readdirSync(join(cacheDir, 'layers')).length).toBe(1);
    // Without the cache the destroyed blobs are detected.
    const r = cli(['sbom', `oci:${copy}:app`, '--no-cache', '--quiet', '--format', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error \[(DIGEST_MISMATCH|LAYER_TRUNCATED|LAYER_CORRUPT)\]/);
  });
});

describe('registry auth', () => {
  it('pulls with the right credentials', () => {
    const rep = sbomJson(`docker://${authRegistry.host}/private/app:1`, ['--creds', `${authRegistry.user}:${authRegistry.password}`, '--no-cache']);
    expect(rep.packages.length).toBeGreaterThan(100);
  });

  it('reads credentials from an auth file', () => {
    const file = join(work, 'auth.json');
    const auth = Buffer.from(`${authRegistry.user}:${authRegistry.password}`).toString('base64');
    writeFileSync(file, JSON.stringify({ auths: { [authRegistry.host]: { auth } } }));
    const viaEnv = sbomJson(`docker://${authRegistry.host}/private/app:1`, ['--no-cache'], { REGISTRY_AUTH_FILE: file });
    expect(viaEnv.packages.length).toBeGreaterThan(100);
    const viaFlag = sbomJson(`docker://${authRegistry.host}/private/app:1`, ['--no-cache', '--authfile', file]);
    expect(viaFlag.packages).toEqual(viaEnv.packages);
  });

  it.each([
    ['wrong password', ['--creds', 'tester:wrong'], 'AUTH_FAILED'],
    ['no credentials', [], 'AUTH_REQUIRED'],
  ])('%s → %s, exit 2', (_n, args, code) => {
    const r = cli(['sbom', `docker://${authRegistry.host}/private/app:1`, '--format', 'json', '--quiet', '--no-cache', ...args], { REGISTRY_AUTH_FILE: join(work, 'none.json') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error [${code}]`);
    expect(r.stderr).not.toContain('wrong');
  });
});
