/**
 * Test helper (run as its own process): rewrites one advisory index file over and over with two
 * alternating contents, either as the import does (temporary file + rename) or, as a control, in
 * place (what a reader must then detect). Prints "done N" at the end.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { IndexWriter } from './write.js';

export function writeGeneration(path: string, gen: 'A' | 'B'): void {
  const w = new IndexWriter(path);
  // B has more packages and longer records than A: a mix of the two cannot line up by chance.
  const n = gen === 'A' ? 300 : 450;
  for (let i = 0; i < n; i++) w.addOsvRecord(`R-${String(i).padStart(4, '0')}`, JSON.stringify({ id: `R-${String(i).padStart(4, '0')}`, summary: gen.repeat(gen === 'A' ? 10 : 40), affected: [{ package: { ecosystem: 'npm', name: `p${i}` } }] }), [{ ecosystem: 'npm', name: `p${i}` }]);
  for (let i = 0; i < n; i++) w.addOsPackage('debian', 'bookworm', `s${i}`, [{ id: `CVE-${gen}-${i}`, distro: 'debian', release: 'bookworm', package: `s${i}`, state: 'unfixed', source: gen }]);
  w.finish({ storeId: 'test', generation: gen, coverage: { osReleases: [{ distro: 'debian', release: 'bookworm', advisories: n }], osvPackageEcosystems: [], osvEcosystems: ['npm'] } });
}

if (process.argv[1]?.endsWith('_atomic-writer.ts')) {
  const [path, mode, count] = process.argv.slice(2) as [string, 'rename' | 'inplace', string];
  const bytes = { A: Buffer.alloc(0), B: Buffer.alloc(0) };
  if (mode === 'inplace') {
    for (const g of ['A', 'B'] as const) {
      writeGeneration(`${path}.${g}`, g);
      bytes[g] = readFileSync(`${path}.${g}`);
      rmSync(`${path}.${g}`);
    }
  }
  for (let i = 0; i < Number(count); i++) {
    const g = i % 2 === 0 ? 'B' : 'A';
    if (mode === 'rename') writeGeneration(path, g);
    else {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, 0);
      const b = bytes[g];
      for (let off = 0; off < b.length; off += 4096) writeSync(fd, b, off, Math.min(4096, b.length - off), off);
      closeSync(fd);
    }
  }
  process.stdout.write(`done ${count}\n`);
}
