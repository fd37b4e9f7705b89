/**
 * `-o` onto a device or pipe writes into it, never renames a temporary file over it (which would
 * replace `/dev/null` with a regular file). Checked with a FIFO: it is still a FIFO afterwards and
 * its reader got the whole report.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const CONFIG = join(import.meta.dirname, 'fixtures', 'config');
const work = mkdtempSync(join(tmpdir(), 'portcullis-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readFifo(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    createReadStream(path, 'utf8')
      .on('data', (d) => (text += d))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
}

function run(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' }).on('close', resolve));
}

describe('output onto a FIFO', () => {
  it.each([
    ['scan config --format json', (out: string) => ['scan', 'config', CONFIG, '-f', 'json', '-q', '-o', out]],
    ['sbom --format json (atomic writer)', (out: string) => ['sbom', `rootfs:${CONFIG}`, '-f', 'json', '-q', '-o', out]],
    ['db export', (out: string) => ['db', 'export', out, '--data-dir', join(work, 'db'), '-q']],
  ] as const)('%s', async (name, args) => {
    const fifo = join(work, `${name.replace(/\W+/g, '-')}.fifo`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const [text, status] = await Promise.all([readFifo(fifo), run(args(fifo))]);
    expect(status).toBe(0);
    expect(text.length).toBeGreaterThan(100);
    expect(statSync(fifo).isFIFO()).toBe(true);
  }, 120_000);
});
