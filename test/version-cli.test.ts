/** `portcullis version compare`, single and --batch, through the built CLI. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, 'version', 'compare', ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

describe('version compare', () => {
  it.each([
    ['dpkg', '1:1.0', '2.0', '>'],
    ['dpkg', '1.0~rc1', '1.0', '<'],
    ['rpm', '1.0^git1', '1.0', '>'],
    ['apk', '1.2.3-r1', '1.2.3-r1', '='],
    ['maven', '1.0-SNAPSHOT', '1.0', '<'],
    ['pep440', '1.0.post1', '1.0', '>'],
    ['go', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', '>'],
    ['npm', '1.0.0-beta', '1.0.0', '<'],
    ['rubygems', '1.0.a', '1.0', '<'],
    ['nuget', '1.0.0.0', '1.0', '='],
  ])('--scheme %s %s %s → %s', (scheme, a, b, want) => {
    const r = run(['--scheme', scheme, a, b]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(want + '\n');
  });

  it('--batch reads pairs from stdin, one result per line', () => {
    const r = run(['--scheme', 'dpkg', '--batch'], '1.0 1.0\n1.0 1.1\n\n2.0 1.0\n');
    expect(r.stdout).toBe('=\n<\n>\n');
  });

  it('invalid versions and malformed lines exit 2 with a code', () => {
    const r = run(['--scheme', 'dpkg', 'abc', '1.0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error [INVALID_VERSION]');
    const b = run(['--scheme', 'go', '--batch'], 'v1.0.0 v1.0.1\nv1.0.0\n');
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('Line 2');
  });
});
