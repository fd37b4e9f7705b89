/** Streamed OSV zip exports: batches, skipped non-record entries, empty exports, truncation refused. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { osvZipBatches, zipEntryCount, type ZipParseSink } from './import-zip.js';
import { parseOsv, type OsvRecord } from './osv.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-zip-'));
const td = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f));
const sink = (errors: string[] = []): ZipParseSink => ({ parse: (t, w, out) => { try { out.push(parseOsv(t)); } catch { errors.push(w); } }, warn: (m) => errors.push(m) });

async function all(path: string, batch = 2, s = sink()): Promise<OsvRecord[][]> {
  const out: OsvRecord[][] = [];
  for await (const b of osvZipBatches(path, s, batch)) out.push(b);
  return out;
}

function zip(name: string, files: Record<string, Uint8Array>, level: 0 | 6 = 6): string {
  const p = join(dir, name);
  writeFileSync(p, zipSync(files, { level }));
  return p;
}

const RECORDS = { 'GHSA-c2qf-rxjj-qqgw.json': td('GHSA-c2qf-rxjj-qqgw.json'), 'GO-2023-1878.json': td('GO-2023-1878.json'), 'DSA-5514-1.json': td('DSA-5514-1.json'), 'README.txt': Buffer.from('not a record') };

describe('osvZipBatches', () => {
  it.each([0, 6] as const)('yields every record in batches (compression level %d), skipping other entries', async (level) => {
    const p = zip(`r${level}.zip`, RECORDS, level);
    expect(zipEntryCount(p)).toBe(4);
    const batches = await all(p);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    expect(batches.flat().map((r) => r.id).sort()).toEqual(['DSA-5514-1', 'GHSA-c2qf-rxjj-qqgw', 'GO-2023-1878']);
  });

  it('an empty export yields nothing', async () => {
    expect(await all(zip('empty.zip', {}))).toEqual([]);
  });

  it('a malformed record is counted by the sink, the others still come', async () => {
    const errors: string[] = [];
    const p = zip('bad.zip', { 'GO-2023-1878.json': td('GO-2023-1878.json'), 'X.json': Buffer.from('{"id": 1}') });
    expect((await all(p, 10, sink(errors))).flat().map((r) => r.id)).toEqual(['GO-2023-1878']);
    expect(errors).toEqual(['bad.zip!X.json']);
  });

  it.each([
    ['cut in half', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['cut before its last bytes', (b: Buffer) => b.subarray(0, b.length - 5)],
  ])('a truncated export (%s) is refused', async (_what, cut) => {
    const p = zip('full.zip', RECORDS);
    const t = join(dir, 'cut.zip');
    writeFileSync(t, cut(readFileSync(p)));
    await expect(all(t)).rejects.toMatchObject({ code: 'ADVISORY_SOURCE_INVALID' });
  });
});
