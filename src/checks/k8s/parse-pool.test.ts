/**
 * Parsing on worker threads gives exactly the in-thread result: objects, positions, unknowns
 * (broken YAML, alias bombs, size caps), skipped documents and Dockerfiles, in input order —
 * through the bundled worker (`dist/manifest-worker.js`, as the CLI runs it) and when a worker
 * fails (its files are parsed in the calling thread).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanConfig } from '../config-scan.js';
import { loadManifests, type LoadResult } from './load.js';
import { PARALLEL_MIN_FILES, parseWorkerCount } from './_parse-pool.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const WORKER = pathToFileURL(join(ROOT, 'dist', 'manifest-worker.js'));
let work: string;
let dir: string;

const BOMB = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a: &a ["x","x","x","x","x","x","x","x","x","x"]', '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]', '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]', '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]', '  e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]', '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: after-bomb}'].join('\n');

function manifest(i: number): string {
  switch (i % 7) {
    case 0:
      return `apiVersion: v1\nkind: Pod\nmetadata: {name: p-${i}, namespace: ns-${i % 3}}\nspec:\n  hostNetwork: yes\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n`;
    case 1:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d-${i}}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: app, image: "registry.example.org/app:${i}"}]\n---\n# not an object\nfoo: bar\n`;
    case 2:
      return `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s-${i}}\n  spec: {type: NodePort}\n- 42\n- {kind: NoApiVersion}\n`;
    case 3:
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken-${i}\n spec: [\n`;
    case 4:
      return i % 2 ? BOMB : `base: &base {runAsUser: 0}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: merge-${i}}\nspec:\n  securityContext:\n    <<: {runAsUser: 0}\n    runAsNonRoot: no\n  containers: [{name: c, image: x}]\n`;
    case 5:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big-${i}}\ndata:\n  k: "${'x'.repeat(3000)}"\n`;
    default:
      return '';
  }
}

beforeAll(() => {
  if (!existsSync(CLI) || !existsSync(WORKER)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 'portcullis-parse-pool-'));
  dir = join(work, 'manifests');
  for (let i = 0; i < PARALLEL_MIN_FILES + 60; i++) {
    const sub = join(dir, `d${i % 5}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `m${i}.${i % 11 === 0 ? 'json' : 'yaml'}`), i % 11 === 0 ? JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `j-${i}` }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } }, null, 1) : manifest(i));
  }
  writeFileSync(join(dir, 'd0', 'Dockerfile'), 'FROM node:20\nRUN curl https://example.org/x | sh\n');
  symlinkSync(join(work, 'gone.yaml'), join(dir, 'd1', 'dangling.yaml')); // listed, cannot be read
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everything a load yields, with each object's positions sampled (locate is a closure). */
function comparable(r: LoadResult) {
  const paths = [[], ['metadata', 'name'], ['spec', 'containers', 0, 'securityContext', 'privileged'], ['spec', 'template', 'spec', 'containers', 0, 'image'], ['spec', 'securityContext', 'runAsUser'], ['spec', 'nope', 'deeper'], ['data', 'k']];
  return {
    ...r,
    objects: r.objects.map(({ locate, ...o }) => ({ ...o, at: paths.map((p) => locate(p)) })),
  };
}

describe('parsing on worker threads', () => {
  it('uses workers only for large inputs with the worker present', () => {
    expect(parseWorkerCount(PARALLEL_MIN_FILES, { workers: 2, workerUrl: WORKER })).toBe(0);
    expect(parseWorkerCount(PARALLEL_MIN_FILES + 1, { workers: 2, workerUrl: WORKER })).toBe(2);
    expect(parseWorkerCount(PARALLEL_MIN_FILES + 1, { workers: 0, workerUrl: WORKER })).toBe(0);
    expect(parseWorkerCount(PARALLEL_MIN_FILES + 1, { workers: 2, workerUrl: pathToFileURL(join(work, 'missing.js')) })).toBe(0);
    // from sources there is no bundled worker next to load.ts: in-thread
    expect(parseWorkerCount(10_000)).toBe(0);
  });

  it('gives the in-thread result: objects, positions, unknowns, size caps, alias bombs, Lists, Dockerfiles', async () => {
    const opts = { maxFileBytes: 2000, readStdin: async () => 'apiVersion: v1\nkind: Pod\nmetadata: {name: from-stdin}\n' };
    const here = await loadManifests([dir, '-', join(work, 'missing.yaml')], { ...opts, parseWorkers: 0 });
    expect(here.unknowns.some((u) => /Invalid YAML/.test(u.reason))).toBe(true);
    expect(here.unknowns.some((u) => /Cannot load document: .*alias/i.test(u.reason))).toBe(true);
    expect(here.unknowns.some((u) => /more than the 2000-byte limit/.test(u.reason))).toBe(true);
    expect(here.unknowns).toContainEqual({ file: join(dir, 'd1', 'dangling.yaml'), reason: 'Cannot read: ENOENT' });
    expect(here.unknowns.at(-1)).toEqual({ file: join(work, 'missing.yaml'), reason: 'Cannot read: ENOENT' });
    expect(here.objects.some((o) => o.name === 'after-bomb')).toBe(true);
    expect(here.dockerfiles).toHaveLength(1);
    for (const workers of [1, 3]) {
      const there = await loadManifests([dir, '-', join(work, 'missing.yaml')], { ...opts, parseWorkers: workers, parseWorkerUrl: WORKER });
      expect(comparable(there)).toEqual(comparable(here));
    }
  });

  it('parses a failing worker\'s files in the calling thread', async () => {
    const bad = join(work, 'bad-worker.mjs');
    writeFileSync(bad, 'throw new Error("worker cannot start");\n');
    const here = await loadManifests([dir], { parseWorkers: 0 });
    const there = await loadManifests([dir], { parseWorkers: 2, parseWorkerUrl: pathToFileURL(bad) });
    expect(comparable(there)).toEqual(comparable(here));
  });

  it('the built CLI (parsing on workers) reports what the in-thread scan finds', async () => {
    const r = spawnSync(process.execPath, [CLI, 'scan', 'config', dir, '-f', 'json', '-q'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const rules = ['pss', 'hardening', 'rbac', 'network', 'secrets', 'dockerfile'];
    const expected = await scanConfig([dir], { ruleSets: rules, pss: { level: 'restricted', version: 'latest' }, parseWorkers: 0 });
    expect(doc.findings.length).toBeGreaterThan(100);
    expect(doc.findings).toEqual(JSON.parse(JSON.stringify(expected.findings)));
    expect(doc.unknowns).toEqual(expected.unknowns);
    expect(doc.stats).toEqual(expected.stats);
  });
});
