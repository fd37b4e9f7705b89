import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isRecord } from './is-record.js';
import { redactUrl, Secret, stripUrlCredentials } from './secret.js';

describe('Secret', () => {
  const s = new Secret('hunter2-token');

  it.each<[string, () => string]>([
    ['String()', () => String(s)],
    ['template literal', () => `${s}`],
    ['JSON.stringify', () => JSON.stringify({ token: s })],
    ['util.inspect', () => inspect({ token: s })],
    ['Object.keys', () => Object.keys(s).join(',')],
  ])('%s never shows the value', (_how, show) => {
    expect(show()).not.toContain('hunter2');
  });

  it('shows a redaction, and the value only through reveal()', () => {
    expect(String(s)).toBe('[redacted]');
    expect(JSON.stringify({ token: s })).toBe('{"token":"[redacted]"}');
    expect(inspect(s)).toBe('Secret([redacted])');
    expect(s.reveal()).toBe('hunter2-token');
  });
});

describe('URL credentials', () => {
  it.each([
    ['postgres://app:pw@db.example:5432/portcullis', 'postgres://***@db.example:5432/portcullis', 'postgres://db.example:5432/portcullis'],
    ['https://token@mirror.example/osv/all.zip', 'https://***@mirror.example/osv/all.zip', 'https://mirror.example/osv/all.zip'],
    ['https://mirror.example/a@b', 'https://mirror.example/a@b', 'https://mirror.example/a@b'],
    ['https://mirror.example/osv', 'https://mirror.example/osv', 'https://mirror.example/osv'],
    ['socket:/run/postgresql?db=x', 'socket:/run/postgresql?db=x', 'socket:/run/postgresql?db=x'],
  ])('%s', (url, redacted, stripped) => {
    expect(redactUrl(url)).toBe(redacted);
    expect(stripUrlCredentials(url)).toBe(stripped);
  });
});

describe('isRecord', () => {
  it.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [Object.create(null), true],
    [[], false],
    [null, false],
    [undefined, false],
    ['x', false],
    [1, false],
  ])('%j → %s', (x, want) => {
    expect(isRecord(x)).toBe(want);
  });
});
