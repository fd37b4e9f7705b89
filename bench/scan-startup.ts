/**
 * Scan start-up benchmark (figures and ratios in one run; not a test). On the fixture image's
 * Debian rootfs, with advisory data imported into an embedded store (the repository's advisory
 * test data plus records made for the rootfs's own packages), runs as processes of dist/cli.js:
 *
 *   sbom rootfs:DIR                          the floor: catalog only
 *   scan rootfs DIR                          reads the advisory index (no database start)
 *   scan rootfs DIR, PORTCULLIS_ADVISORY_INDEX=0   the database path, for comparison
 *
 * each several times, interleaved (so load on the machine hits all alike), and prints medians of
 * wall time, CPU time (user + system) and peak RSS, the differences scan − sbom and their ratio to
 * the targets: warm scan ≤ sbom + 0.3 s and ≤ sbom + 50 MiB peak RSS.
 *
 *   npx tsx bench/scan-startup.ts   (BENCH_RUNS=7, BENCH_COPIES=4 advisories per package,
 *                                    BENCH_SCALE=100000 extra records for the at-scale run; 0 skips it)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRootfsAdvisories, dpkgSources } from '../test/support/advisory-data.js';
import { ensureFixtures } from '../test/support/fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const COPIES = Number(process.env.BENCH_COPIES ?? 4);
const SCALE = Number(process.env.BENCH_SCALE ?? 100_000);
const TARGET_S = 0.3;
const TARGET_MIB = 50;

interface Sample {
  wall: number;
  cpu: number;
  rssMiB: number;
}

/** One process: wall time, CPU time and peak RSS (from wait4's rusage, via /usr/bin/time -f). */
function run(args: string[], env: Record<string, string> = {}): Promise<Sample> {
  return new Promise((ok, fail) => {
    const t0 = process.hrtime.bigint();
    const c = spawn('/usr/bin/time', ['-f', 'RUSAGE %U %S %M', process.execPath, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /RUSAGE ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      if (code !== 0 || !m) return fail(new Error(`${args.join(' ')} (exit ${code}): ${err}`));
      ok({ wall, cpu: Number(m[1]) + Number(m[2]), rssMiB: Number(m[3]) / 1024 });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** With --database-url scans query PostgreSQL (no index): the same scan there, if a server answers. */
async function onPostgres(rootfs: string, inputs: string[], sbom: { wall: number; rss: number }, index: { wall: number; rss: number }) {
  const name = `portcullis_bench_${process.pid}`;
  const psql = (sql: string) => spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', sql], { encoding: 'utf8' }).status === 0;
  if (!psql(`create database ${name}`)) return console.log('PostgreSQL: no server at 127.0.0.1:5432, skipped');
  try {
    const url = `postgres://postgres@127.0.0.1:5432/${name}`;
    await run(['db', 'import', ...inputs, '--database-url', url, '-q']);
    const args = ['scan', 'rootfs', rootfs, '--database-url', url, '--format', 'json', '-q'];
    await run(args);
    const s: Sample[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(RUNS / 2)); i++) s.push(await run(args));
    const wall = median(s.map((x) => x.wall));
    const rss = median(s.map((x) => x.rssMiB));
    console.log(`scan (PostgreSQL, queried): wall ${wall.toFixed(3)} s (sbom + ${(wall - sbom.wall).toFixed(3)}; index path ${(wall / index.wall).toFixed(2)}x of it), peak RSS ${rss.toFixed(1)} MiB (sbom + ${(rss - sbom.rss).toFixed(1)})`);
  } finally {
    psql(`drop database if exists ${name} with (force)`);
  }
}

/**
 * The same scan against a store of SCALE more OSV records (for packages the rootfs does not
 * have): the index is read lazily, so the scan's cost should not grow with the store. Also the
 * cost of writing the index, inside `db import`, next to the import itself.
 */
async function atScale(rootfs: string, work: string, sbom: { wall: number; cpu: number; rss: number }) {
  const dataDir = join(work, 'big-db');
  const file = join(work, 'big.json');
  const recs = Array.from({ length: SCALE }, (_, i) => ({ id: `BENCH-${i}`, modified: '2024-01-01T00:00:00Z', aliases: [`CVE-2097-${i}`], summary: `bench record ${i} `.repeat(8), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }], affected: [{ package: { ecosystem: i % 2 ? 'npm' : 'PyPI', name: `bench-pkg-${Math.floor(i / 3)}` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.0.0' }] }] }] }));
  writeFileSync(file, JSON.stringify(recs));
  const imp = await run(['db', 'import', file, ...readdirSync(join(work, 'data')).map((f) => join(work, 'data', f)), '--data-dir', dataDir, '-q']);
  const { openStore } = await import('../src/store/store.js');
  const { buildAdvisoryIndex } = await import('../src/vulndb/index-file/index.js');
  const store = await openStore({ dataDir });
  const t0 = process.hrtime.bigint();
  await buildAdvisoryIndex(store);
  const build = Number(process.hrtime.bigint() - t0) / 1e9;
  await store.close();
  const size = statSync(join(dataDir, 'advisories.idx')).size / 1048576;
  const args = ['scan', 'rootfs', rootfs, '--data-dir', dataDir, '--format', 'json', '-q'];
  await run(args);
  const s: Sample[] = [];
  for (let i = 0; i < Math.max(3, Math.floor(RUNS / 2)); i++) s.push(await run(args));
  const wall = median(s.map((x) => x.wall));
  const cpu = median(s.map((x) => x.cpu));
  const rss = median(s.map((x) => x.rssMiB));
  console.log(`store with ${SCALE} more OSV records: db import ${imp.wall.toFixed(1)} s, of which writing the index (${size.toFixed(1)} MiB) ~${build.toFixed(1)} s (rebuilt in-process: ${((build / imp.wall) * 100).toFixed(0)}% of the import)`);
  console.log(`scan (index) on it: wall ${wall.toFixed(3)} s (sbom + ${(wall - sbom.wall).toFixed(3)}), cpu ${cpu.toFixed(3)} s (sbom + ${(cpu - sbom.cpu).toFixed(3)}), peak RSS ${rss.toFixed(1)} MiB (sbom + ${(rss - sbom.rss).toFixed(1)})`);
}

async function main() {
  const fx = await ensureFixtures();
  const rootfs = fx.rootfsApp;
  const work = mkdtempSync(join(tmpdir(), 'portcullis-startup-'));
  try {
    const dataDir = join(work, 'db');
    mkdirSync(join(work, 'data'));
    const td = join(ROOT, 'src', 'vulndb', 'testdata');
    const inputs = [...writeRootfsAdvisories(rootfs, join(work, 'data'), { copies: COPIES }), ...readdirSync(td).filter((n) => /\.(json|yaml)$/.test(n) && n !== 'debian-tracker.json').map((n) => join(td, n))];
    await run(['db', 'import', ...inputs, '--data-dir', dataDir, '-q']);
    const idx = statSync(join(dataDir, 'advisories.idx')).size;
    console.log(`input: ${rootfs} (${dpkgSources(rootfs).length} dpkg packages); advisory index ${(idx / 1024).toFixed(0)} KiB; ${RUNS} runs each, interleaved, after one warm-up`);

    const cmds: [string, string[], Record<string, string>][] = [
      ['sbom', ['sbom', `rootfs:${rootfs}`], {}],
      ['scan (index)', ['scan', 'rootfs', rootfs, '--data-dir', dataDir, '--format', 'json', '-q'], {}],
      ['scan (database)', ['scan', 'rootfs', rootfs, '--data-dir', dataDir, '--format', 'json', '-q'], { PORTCULLIS_ADVISORY_INDEX: '0' }],
    ];
    const samples = new Map<string, Sample[]>(cmds.map(([n]) => [n, []]));
    for (const [, args, env] of cmds) await run(args, env); // warm: page cache, layer cache, index
    for (let i = 0; i < RUNS; i++) for (const [n, args, env] of cmds) samples.get(n)!.push(await run(args, env));

    const med = (n: string) => {
      const s = samples.get(n)!;
      return { wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu)), rss: median(s.map((x) => x.rssMiB)), rssMax: Math.max(...s.map((x) => x.rssMiB)) };
    };
    const base = med('sbom');
    console.log(`${'command'.padEnd(18)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(7)} ${'peak RSS MiB'.padStart(13)}   (medians; RSS max)`);
    for (const [n] of cmds) {
      const m = med(n);
      console.log(`${n.padEnd(18)} ${m.wall.toFixed(3).padStart(7)} ${m.cpu.toFixed(3).padStart(7)} ${m.rss.toFixed(1).padStart(13)}   (${m.rssMax.toFixed(1)})`);
    }
    for (const n of ['scan (index)', 'scan (database)']) {
      const m = med(n);
      const dWall = m.wall - base.wall;
      const dCpu = m.cpu - base.cpu;
      const dRss = m.rss - base.rss;
      const verdict = (x: number, t: number) => (x <= t ? 'meets' : 'MISSES');
      console.log(
        `${n} − sbom: wall ${dWall >= 0 ? '+' : ''}${dWall.toFixed(3)} s (${(dWall / TARGET_S).toFixed(2)} of the ${TARGET_S} s target, ${verdict(dWall, TARGET_S)}); cpu ${dCpu >= 0 ? '+' : ''}${dCpu.toFixed(3)} s (${(dCpu / TARGET_S).toFixed(2)} of target); peak RSS ${dRss >= 0 ? '+' : ''}${dRss.toFixed(1)} MiB (${(dRss / TARGET_MIB).toFixed(2)} of the ${TARGET_MIB} MiB target, ${verdict(dRss, TARGET_MIB)}); scan ÷ sbom wall ${(m.wall / base.wall).toFixed(2)}x`,
      );
    }
    const db = med('scan (database)');
    const ix = med('scan (index)');
    console.log(`index vs database path: ${(db.wall / ix.wall).toFixed(2)}x faster wall, ${(db.rss - ix.rss).toFixed(1)} MiB less peak RSS`);
    await onPostgres(rootfs, inputs, base, ix);
    if (SCALE > 0) await atScale(rootfs, work, base);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
