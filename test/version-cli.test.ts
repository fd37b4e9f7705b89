/** `portcullis version compare`, single and --batch, through the built CLI. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [CLI, 'version', 'compare', ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });

const CASES = [
  ['dpkg', '1:1.0', '2.0', '>'],
  ['dpkg', '1.0~rc1', '1.0', '<'],
  ['rpm', '1.0^git1', '1.0', '>'],
  ['rpm', '1', '1-1', '<'],
  ['apk', '1.2.3-r1', '1.2.3-r1', '='],
  ['apk', '1-r', '1', '<'],
  ['apk', '0..1..0', '0.0.1', '<'],
  ['maven', '1.0-SNAPSHOT', '1.0', '<'],
  ['maven', '1-1', '1-foo', '>'],
  ['pep440', '1.0.post1', '1.0', '>'],
  ['pep440', '2.0-SNAPSHOT', '0.1', '<'],
  ['go', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', '>'],
  ['npm', '1.0.0-beta', '1.0.0', '<'],
  ['rubygems', '1.0.a', '1.0', '<'],
  ['rubygems', '1.0beta', '1.0', '<'],
  ['nuget', '1.0.0.0', '1.0', '='],
  ['composer', 'v1.2.3.4', '1.2.3', '>'],
  ['composer', '1.0-b2', '1.0.0.0-beta2', '='],
  // numbers past 2^53 (where a float would call them equal)
  ['semver', '1.2.9007199254740993', '1.2.9007199254740992', '>'],
  ['npm', '1.0.0-9007199254740993', '1.0.0-9007199254740992', '>'],
  ['rubygems', '1.9007199254740993', '1.9007199254740992', '>'],
  ['nuget', '1.0.0.9007199254740993', '1.0.0.9007199254740992', '>'],
  ['apk', '1.9007199254740993', '1.9007199254740992', '>'],
  ['maven', '1.9007199254740993', '1.9007199254740992', '>'],
  ['pep440', '1.9007199254740993', '1.9007199254740992', '>'],
  ['go', 'v1.9007199254740993.0', 'v1.9007199254740992.0', '>'],
] as const;

describe('version compare', () => {
  it.each(CASES.filter((_, i) => i % 6 === 0))('--scheme %s %s %s → %s', (scheme, a, b, want) => {
    const r = run(['--scheme', scheme, a, b]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(want + '\n');
  });

  it.each([...new Set(CASES.map((c) => c[0]))])(
    '--scheme %s --batch answers every case of the table',
    (scheme) => {
      const cases = CASES.filter((c) => c[0] === scheme);
      const r = run(['--scheme', scheme, '--batch'], cases.map((c) => `${c[1]} ${c[2]}`).join('\n') + '\n');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(cases.map((c) => c[3] + '\n').join(''));
    },
  );

  it('--batch reads pairs from stdin, one result per line', () => {
    const r = run(['--scheme', 'dpkg', '--batch'], '1.0 1.0\n1.0 1.1\n\n2.0 1.0\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('=\n<\n>\n');
    expect(r.stderr).toBe('');
  });

  it('invalid versions exit 2 with a code', () => {
    const r = run(['--scheme', 'dpkg', 'abc', '1.0']);
    expect(r).toFailWith('INVALID_VERSION', { naming: '"abc"' });
  });

  it('--batch reports each bad line with its number and code, compares the rest, and exits 2 at the end', () => {
    const input = 'v1.0.0 v1.0.1\nv1.0.0\nnot-a-version v1.0.0\nv1.0.0 v1.0.0\n\nv2.0.0 v1.0.0\n';
    const b = run(['--scheme', 'go', '--batch'], input);
    expect(b.stdout).toBe('<\n=\n>\n');
    expect(b).toFailWith('USAGE', { naming: 'Line 2:' });
    expect(b).toFailWith('INVALID_VERSION', { naming: ['Line 3:', '"not-a-version"'] });
    expect(b).toFailWith('USAGE', { naming: ['2 of 5', '(lines 2, 3)'] });
    expect(b.stderr).not.toMatch(/Line [146]:/);
  });

  it('--batch goes on to the end of a long input after an early bad line', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => (i === 3 ? '1.0 1:x' : `1.${i} 1.${i + 1}`));
    const b = run(['--scheme', 'dpkg', '--batch'], lines.join('\n') + '\n');
    expect(b.stdout.split('\n').filter(Boolean)).toHaveLength(19_999);
    expect(
      b.stdout
        .split('\n')
        .filter(Boolean)
        .every((x) => x === '<'),
    ).toBe(true);
    expect(b).toFailWith('INVALID_VERSION', { naming: ['Line 4:', '"1:x"'] });
    expect(b).toFailWith('INVALID_VERSION', { naming: ['1 of 20000', '(line 4)'] });
  });

  it('--batch refuses version arguments', () => {
    const b = run(['--scheme', 'go', '--batch', 'v1.0.0', 'v1.0.1'], '');
    expect(b).toFailWith('USAGE', { naming: '--batch' });
  });
});
