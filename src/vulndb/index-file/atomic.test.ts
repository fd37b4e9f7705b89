/**
 * An import rewriting the index while scans read it: another process replaces the file hundreds
 * of times (as the import does: temporary file + rename) while this one opens and reads it in a
 * loop. Every read sees one whole version, never a mix and never an error. The control writes in
 * place: there a reader does meet half-written files, and each one is refused, not used.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeneration } from './_atomic-writer.js';
import { IndexUnusable } from './format.js';
import { AdvisoryIndexFile } from './read.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-idx-atomic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Reads the whole file's content through the reader: which version it is, or why it was refused. */
async function readOnce(path: string): Promise<'A' | 'B' | `refused:${string}`> {
  let f: AdvisoryIndexFile;
  try {
    f = AdvisoryIndexFile.open(path);
  } catch (err) {
    if (err instanceof IndexUnusable) return `refused:${err.reason}`;
    throw err;
  }
  try {
    const gen = f.header.generation as 'A' | 'B';
    const n = gen === 'A' ? 300 : 450;
    const recs = await f.osvRecords(Array.from({ length: 500 }, (_, i) => ({ ecosystem: 'npm', name: `p${i}` })));
    const os = await f.osAdvisories('debian', 'bookworm', Array.from({ length: 500 }, (_, i) => `s${i}`));
    // One version throughout: header, records and OS advisories agree.
    expect(recs.length).toBe(n);
    expect(recs.every((r) => r.summary === gen.repeat(gen === 'A' ? 10 : 40))).toBe(true);
    expect(os.length).toBe(n);
    expect(os.every((a) => a.source === gen)).toBe(true);
    return gen;
  } catch (err) {
    if (err instanceof IndexUnusable) return `refused:${err.reason}`;
    throw err;
  } finally {
    f.close();
  }
}

async function race(mode: 'rename' | 'inplace', writes: number) {
  const path = join(work, `${mode}.idx`);
  writeGeneration(path, 'A');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '_atomic-writer.ts'), path, mode, String(writes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<number | null>((r) => child.on('exit', r));
  let running = true;
  void ended.then(() => (running = false));
  const seen = new Map<string, number>();
  while (running) {
    const v = await readOnce(path);
    seen.set(v, (seen.get(v) ?? 0) + 1);
    await new Promise((r) => setImmediate(r));
  }
  expect(await ended).toBe(0);
  expect(out).toBe(`done ${writes}\n`);
  return seen;
}

describe('an index replaced while it is read', () => {
  it('by rename: every read is one whole version', async () => {
    const seen = await race('rename', 400);
    const reads = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(reads).toBeGreaterThan(20);
    expect([...seen.keys()].filter((k) => k.startsWith('refused'))).toEqual([]);
    expect(seen.get('A') ?? 0).toBeGreaterThan(0);
    expect(seen.get('B') ?? 0).toBeGreaterThan(0);
  }, 300_000);

  it('in place (the control): half-written files occur and are refused, never read as data', async () => {
    const seen = await race('inplace', 4000);
    expect([...seen.keys()].some((k) => k.startsWith('refused:corrupt') || k === 'refused:version')).toBe(true);
    for (const k of seen.keys()) expect(k).toMatch(/^(A|B|refused:(corrupt|version))$/);
  }, 300_000);
});
