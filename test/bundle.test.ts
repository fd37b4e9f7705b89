/**
 * The CLI bundle loads lazily: `portcullis <command>` loads the entry, then that command's chunk;
 * what those import statically is what every run of the command pays for at start. Built here
 * into a temporary directory (scripts/build.mjs with its metafile), each command's static import
 * closure must leave out the packages it does not need at start. Fails, for example, when an
 * import through a module's index.ts pulls the whole module into a command (the bundle resolves
 * index imports to their files: scripts/index-imports.mjs), or when the database code stops
 * loading on first use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[] }>;
}

let work: string;
let meta: Metafile;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--outdir', join(work, 'dist'), '--metafile', join(work, 'meta.json')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  meta = JSON.parse(readFileSync(join(work, 'meta.json'), 'utf8')) as Metafile;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The packages an entry point loads before running: its static imports, transitively through chunks. */
function eagerPackages(entryPoint: string): string[] {
  const start = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entryPoint)?.[0];
  if (start === undefined) throw new Error(`no output for ${entryPoint}`);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  visit(start);
  return [...packages].sort();
}

/** Loaded on first use only, by every command. */
const DATABASE_DRIVERS = ['@electric-sql/pglite', 'pg'];
/** The store's SQL layer: only commands that always open the store load it at start. */
const SQL = ['kysely'];
const SIGNING = ['@sigstore/verify', '@sigstore/bundle', 'tweetnacl'];
const POLICY = ['@marcbachmann/cel-js'];
const SERVER = ['hono', '@hono/node-server', 'pino', 'prom-client'];
const SBOM = ['packageurl-js', 'spdx-expression-parse', 'ajv'];

describe('the CLI bundle', () => {
  it('starts with the command line parser only', () => {
    expect(eagerPackages('src/cli/main.ts').filter((p) => !p.startsWith('node:'))).toEqual(['commander', 'picocolors']);
  });

  it.each([
    ['sbom', [...DATABASE_DRIVERS, ...SQL, ...SIGNING, ...POLICY, ...SERVER]],
    ['scan', [...DATABASE_DRIVERS, ...SQL, ...SIGNING, ...SERVER]],
    ['diff', [...DATABASE_DRIVERS, ...SQL, ...SIGNING, ...POLICY, ...SERVER]],
    ['inspect', [...DATABASE_DRIVERS, ...SQL, ...SIGNING, ...POLICY, ...SERVER, ...SBOM]],
    ['version-compare', [...DATABASE_DRIVERS, ...SQL, ...SIGNING, ...POLICY, ...SERVER, ...SBOM, 'undici']],
    ['key', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER, ...SBOM, '@sigstore/verify']],
    ['sign', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER, 'tar-stream']],
    ['verify', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER, 'tar-stream']],
    ['verify-bundle', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER, ...SBOM]],
    ['copy', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER]],
    ['attest', [...DATABASE_DRIVERS, ...SQL, ...POLICY, ...SERVER]],
    ['policy', [...DATABASE_DRIVERS, ...SQL, ...SERVER, ...SBOM]],
    ['db', [...DATABASE_DRIVERS, ...SIGNING, ...POLICY, ...SERVER, ...SBOM]],
    ['audit', [...DATABASE_DRIVERS, ...SIGNING, ...POLICY, ...SERVER, ...SBOM]],
    ['server', [...DATABASE_DRIVERS, ...SIGNING, ...POLICY, ...SBOM]],
  ])('%s loads none of its lazy packages at start', (command, lazy) => {
    const eager = eagerPackages(`src/cli/${command}.ts`);
    expect(eager.filter((p) => lazy.includes(p))).toEqual([]);
  });
});
