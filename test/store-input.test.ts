/**
 * Bad `--data-dir` / `--database-url` on the command line: each is an input error (exit 2) with a
 * stable code and a message naming the problem, answered at once (no hang, no INTERNAL, no
 * database created among someone else's files).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-store-input-'));
const file = join(work, 'a-file');
const unrelated = join(work, 'unrelated');

function run(args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1', PORTCULLIS_DATABASE_URL: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0, timedOut: r.error !== undefined };
}

/** How long this machine takes to start the CLI and load a store command, with no store work. */
let baselineMs = 0;

beforeAll(() => {
  writeFileSync(file, 'not a directory\n');
  mkdirSync(unrelated);
  writeFileSync(join(unrelated, 'thesis.tex'), '\\documentclass{article}\n');
  mkdirSync(join(unrelated, 'photos'));
  baselineMs = Math.min(...[0, 1].map(() => run(['db', 'status', '--help']).ms));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: [string, string[], import('../src/core/errors.js').ErrorCode, string[]][] = [
  ['--data-dir naming a regular file', ['db', 'status', '--data-dir', file], 'DATA_DIR_INVALID', ['--data-dir', `"${file}"`]],
  ['--data-dir naming a regular file (server token list)', ['server', 'token', 'list', '--data-dir', file], 'DATA_DIR_INVALID', ['--data-dir', `"${file}"`]],
  ['an unrelated non-empty directory', ['db', 'status', '--data-dir', unrelated], 'DATA_DIR_INVALID', ['--data-dir', `"${unrelated}"`, '"photos"', '"thesis.tex"']],
  ['an unrelated non-empty directory (db import)', ['db', 'import', join(work, 'none.json'), '--data-dir', unrelated], 'DATA_DIR_INVALID', ['--data-dir', `"${unrelated}"`]],
  ['--database-url notaurl', ['db', 'status', '--database-url', 'notaurl'], 'DATABASE_URL_INVALID', ['--database-url', '"notaurl"']],
  ['--database-url with another scheme (audit verify)', ['audit', 'verify', '--database-url', 'mysql://root:secret@db/x'], 'DATABASE_URL_INVALID', ['--database-url', '"mysql"']],
  ['--data-dir under /proc', ['db', 'status', '--data-dir', '/proc/nope'], 'DATA_DIR_INVALID', ['--data-dir', '"/proc/nope"']],
];

describe('store flags on the command line', () => {
  it.each(cases)('%s: exit 2 with a stable code, at once', (_name, args, code, naming) => {
    const r = run(args);
    expect(r.timedOut).toBe(false);
    expect(r).toFailWith(code, { naming });
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stderr).not.toContain('INTERNAL');
    expect(r.stderr).not.toContain('ENOTFOUND');
    expect(r.stderr).not.toContain('secret');
    expect(r.status).toBe(2);
    // Answered at once: within a second of what starting the command costs on this machine (a
    // second run, when the first was slowed by a loaded machine: a hang or a wait slows both).
    expect(r.ms < baselineMs + 1000 || run(args).ms < baselineMs + 1000).toBe(true);
  });

  it('left the unrelated directory as it was', () => {
    expect(readdirSync(unrelated).sort()).toEqual(['photos', 'thesis.tex']);
  });
});
