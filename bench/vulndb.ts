/**
 * Vulnerability benchmark (ratios and figures in one run; not a test):
 *  1. `db import` of 300,000 OSV records (target <= 60 s), next to the floor of parsing them;
 *  2. matching 5,000 packages against that store (target <= 1 s), next to the floor of one
 *     indexed lookup query for the same names;
 *  3. `scan image` with a warm store ÷ `sbom` of the same image (target <= 1.5x), on the embedded
 *     store and on a running PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CatalogResult, Package } from '../src/core/types.js';
import { openStore } from '../src/store/store.js';
import { matchCatalog } from '../src/vulndb/match.js';
import { loadIndexFor } from '../src/vulndb/store-index.js';
import { ensureFixtures } from '../test/support/fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const N = Number(process.env.BENCH_ADVISORIES ?? 300_000);
const ECOS = [
  ['npm', 'npm'],
  ['PyPI', 'pypi'],
  ['Go', 'golang'],
  ['Maven', 'maven'],
] as const;

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function run(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

function nameOf(eco: string, i: number): string {
  return eco === 'Maven' ? `org.example${i % 97}:lib-${i}` : eco === 'Go' ? `example.com/m${i % 89}/mod-${i}` : `pkg-${i}`;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'portcullis-vbench-'));
  try {
    const records = [];
    for (let i = 0; i < N; i++) {
      const [eco] = ECOS[i % ECOS.length]!;
      const pkgIndex = Math.floor(i / 3); // ~3 advisories per package
      records.push({ id: `BENCH-${i}`, modified: '2024-01-01T00:00:00Z', aliases: [`CVE-2024-${i}`], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }], affected: [{ package: { ecosystem: eco, name: nameOf(eco, pkgIndex) }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${1 + (i % 5)}.0.0` }] }] }] });
    }
    const file = join(work, 'advisories.json');
    writeFileSync(file, JSON.stringify(records));
    const parseFloor = time(() => JSON.parse(readFileSync(file, 'utf8')));
    const dataDir = join(work, 'db');
    const imp = time(() => run(['db', 'import', file, '--data-dir', dataDir, '-q']));
    console.log(`db import of ${N} OSV records: ${imp.toFixed(1)} s (target <= 60 s); floor (read + JSON.parse): ${parseFloor.toFixed(2)} s; ratio ${(imp / parseFloor).toFixed(1)}x`);

    const store = await openStore({ dataDir });
    try {
      const packages: Package[] = [];
      for (let i = 0; i < 5000; i++) {
        const [eco, type] = ECOS[i % ECOS.length]!;
        const name = nameOf(eco, i * 7);
        packages.push({ id: String(i).padStart(16, '0'), name, version: `${1 + (i % 4)}.5.0`, type, purl: `pkg:${type}/${name}@1.5.0`, foundBy: 'bench', licenses: [], locations: [{ path: '/x' }] });
      }
      const result: CatalogResult = { artifact: { reference: 'bench', transport: 'rootfs', layers: [] }, packages, unknowns: [] };
      await loadIndexFor(store, result, undefined); // warm
      const t0 = process.hrtime.bigint();
      const index = await loadIndexFor(store, result, undefined);
      const m = matchCatalog(result, index);
      const matchTime = Number(process.hrtime.bigint() - t0) / 1e9;
      const f0 = process.hrtime.bigint();
      await store.db.selectFrom('osv_packages').select('advisory_id').where('name', 'in', packages.map((p) => p.name)).execute();
      const floor = Number(process.hrtime.bigint() - f0) / 1e9;
      console.log(`match 5000 packages against ${N} advisories: ${matchTime.toFixed(3)} s (target <= 1 s), ${m.findings.length} findings; floor (one indexed lookup of the names): ${floor.toFixed(3)} s; ratio ${(matchTime / floor).toFixed(1)}x`);
    } finally {
      await store.close();
    }

    const fx = await ensureFixtures();
    const target = `oci:${fx.ociLayout}:app`;
    const cache = join(work, 'cache');
    run(['sbom', target, '--cache-dir', cache, '-q', '-f', 'json', '-o', join(work, 's.json')]);
    const sbom = Math.min(...[0, 1, 2].map(() => time(() => run(['sbom', target, '--no-cache', '-q', '-f', 'json', '-o', join(work, 's.json')]))));
    const scan = Math.min(...[0, 1, 2].map(() => time(() => run(['scan', 'image', target, '--no-cache', '--data-dir', dataDir, '-q', '-f', 'json', '-o', join(work, 'v.json')]))));
    console.log(`scan image (embedded store, cold layers): ${scan.toFixed(2)} s; sbom: ${sbom.toFixed(2)} s; ratio ${(scan / sbom).toFixed(2)}x (target <= 1.5x)`);
    // The same store on a running PostgreSQL ("warm": no embedded database to start).
    const pgDb = `portcullis_bench_${process.pid}`;
    if (spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `create database ${pgDb}`]).status === 0) {
      const url = `postgres://postgres@127.0.0.1:5432/${pgDb}`;
      try {
        run(['db', 'import', file, '--database-url', url, '-q']);
        const pgScan = Math.min(...[0, 1, 2].map(() => time(() => run(['scan', 'image', target, '--no-cache', '--database-url', url, '-q', '-f', 'json', '-o', join(work, 'v.json')]))));
        console.log(`scan image (PostgreSQL store, cold layers): ${pgScan.toFixed(2)} s; sbom: ${sbom.toFixed(2)} s; ratio ${(pgScan / sbom).toFixed(2)}x (target <= 1.5x)`);
      } finally {
        spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `drop database if exists ${pgDb} with (force)`]);
      }
    } else console.log('scan image (PostgreSQL store): skipped, no PostgreSQL on 127.0.0.1:5432');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
