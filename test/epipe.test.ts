/** Output into a pipe whose reader has gone (`portcullis … | head -1`) ends quietly, never with a stack trace. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

/** Runs the CLI, feeds `input`, reads the first chunk of its output and closes the pipe as `head -1` does. */
function firstChunkThenClose(args: string[], input: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.once('data', () => p.stdout.destroy());
    p.stdin.on('error', () => undefined);
    p.stdin.end(input);
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout pipe', () => {
  it('a long batch whose reader went away exits 0 without a stack trace', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `1.${i}-1 1.${i + 1}-1`).join('\n') + '\n';
    const r = await firstChunkThenClose(['version', 'compare', '--scheme', 'dpkg', '--batch'], lines);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|node:internal/);
    expect(r.code).toBe(0);
  });
});
