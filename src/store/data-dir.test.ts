/** The data directory and --database-url checks, as tables of inputs and outcomes. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDatabaseUrl } from './database-url.js';
import { prepareDataDir } from './data-dir.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-datadir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function make(name: string, files: Record<string, string | null>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    if (content === null) mkdirSync(join(dir, f), { recursive: true });
    else writeFileSync(join(dir, f), content);
  }
  return dir;
}

describe('prepareDataDir', () => {
  const ok: [string, () => string, 'new' | 'database'][] = [
    ['a missing directory (created, parents too)', () => join(work, 'missing', 'a', 'b'), 'new'],
    ['an empty directory', () => make('empty', {}), 'new'],
    ['one holding only our lock and TLS folder', () => make('ours', { 'portcullis.lock': '{}', tls: null }), 'new'],
    ['an embedded PostgreSQL data directory', () => make('pg', { PG_VERSION: '17\n', base: null, global: null, 'postgresql.conf': '' }), 'database'],
    ['one with our marker', () => make('marked', { PG_VERSION: '17\n', base: null, global: null, 'portcullis-store.json': '{}' }), 'database'],
  ];
  it.each(ok)('accepts %s', (_n, dir, state) => {
    expect(prepareDataDir(dir())).toBe(state);
  });

  const bad: [string, () => string, string[]][] = [
    ['a regular file', () => (writeFileSync(join(work, 'file'), 'x'), join(work, 'file')), []],
    ['a path under a regular file', () => (writeFileSync(join(work, 'file2'), 'x'), join(work, 'file2', 'db')), []],
    ['an unrelated non-empty directory', () => make('unrelated', { 'notes.txt': 'x', src: null }), ['"notes.txt"', '"src"']],
    ['a half PostgreSQL layout', () => make('half', { PG_VERSION: '17' }), []],
    ['a path under /proc', () => '/proc/nope/db', ['ENOENT']],
  ];
  it.each(bad)('refuses %s with DATA_DIR_INVALID, naming it', (_n, dir, naming) => {
    const d = dir();
    expect(() => prepareDataDir(d)).toThrowCode('DATA_DIR_INVALID', [d, ...naming]);
  });
});

describe('checkDatabaseUrl', () => {
  it.each(['postgres://u:p@127.0.0.1:5432/db', 'postgresql://localhost/db', 'postgres:///db?host=/run/postgresql', 'socket:/run/postgresql?db=x'])('accepts %s', (url) => {
    expect(() => checkDatabaseUrl(url)).not.toThrow();
  });
  const bad: [string, string[]][] = [
    ['notaurl', []],
    ['mysql://h/db', ['"mysql"']],
    ['http://h/db', ['"http"']],
    ['postgres:///db', []],
    ['postgres://h:99999/db', []],
  ];
  it.each(bad)('refuses %s with DATABASE_URL_INVALID', (url, naming) => {
    expect(() => checkDatabaseUrl(url)).toThrowCode('DATABASE_URL_INVALID', naming);
  });
  it('never shows the password', () => {
    expect(() => checkDatabaseUrl('mysql://me:hunter2@h/db')).toThrowCode('DATABASE_URL_INVALID', '//***@h');
    expect(() => checkDatabaseUrl('mysql://me:hunter2@h/db')).not.toThrow(/hunter2/);
  });
});
