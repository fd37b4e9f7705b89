import { describe, expect, it } from 'vitest';
import {
  countConfigChanges,
  diffConfig,
  diffMap,
  isSecretLike,
  parseEnv,
  REDACTED,
  sharedBaseLayers,
} from './config.js';
import { dig, target } from './_testing.js';

describe('isSecretLike', () => {
  it.each([
    ['DB_PASSWORD', 'x', true],
    ['GITHUB_TOKEN', 'x', true],
    ['NPM_AUTHTOKEN', 'x', true],
    ['apiKey', 'x', true],
    ['AWS_SECRET_ACCESS_KEY', 'x', true],
    ['PRIVATE_KEY', 'x', true],
    ['SENTRY_DSN', 'x', true],
    ['DATABASE_URL', 'postgres://app:hunter2@db:5432/app', true],
    ['PATH', '/usr/bin:/bin', false],
    ['org.opencontainers.image.authors', 'team@example.com', false],
    ['KEYBOARD', 'us', false],
    ['DATABASE_URL', 'postgres://db:5432/app', false],
    ['HOME', '/root', false],
  ] as const)('%s=%s → %s', (name, value, want) => {
    expect(isSecretLike(name, value)).toBe(want);
  });
});

describe('diffMap', () => {
  it('added / removed / changed keys, secret-like values redacted on every side', () => {
    const d = diffMap(
      parseEnv(['PATH=/bin', 'MODE=dev', 'API_TOKEN=abc', 'OLD_PASSWORD=p', 'KEEP=1']),
      parseEnv(['PATH=/usr/bin:/bin', 'MODE=dev', 'API_TOKEN=def', 'NEW=1', 'DB_PASSWORD=s3cret', 'KEEP=1']),
    );
    expect(d).toEqual({
      added: [
        { key: 'DB_PASSWORD', value: REDACTED, redacted: true },
        { key: 'NEW', value: '1' },
      ],
      removed: [{ key: 'OLD_PASSWORD', value: REDACTED, redacted: true }],
      changed: [
        { key: 'API_TOKEN', before: REDACTED, after: REDACTED, redacted: true },
        { key: 'PATH', before: '/bin', after: '/usr/bin:/bin' },
      ],
    });
    expect(JSON.stringify(d)).not.toMatch(/s3cret|abc|def/);
  });

  it('a later duplicate env entry wins; an entry without "=" is an empty value', () => {
    expect([...parseEnv(['A=1', 'A=2', 'B'])]).toEqual([
      ['A', '2'],
      ['B', ''],
    ]);
  });
});

describe('sharedBaseLayers', () => {
  it.each([
    [['a', 'b', 'c'], ['a', 'b', 'd', 'e'], 2],
    [['a'], ['a'], 1],
    [['a', 'b'], ['b', 'a'], 0],
    [[], ['a'], 0],
    // a rootfs directory has no diffID
    [[''], [''], 0],
  ])('%j vs %j → %d', (a, b, n) => {
    expect(sharedBaseLayers(a, b)).toBe(n);
  });
});

describe('diffConfig', () => {
  it('user, entrypoint, cmd, workingDir, ports, labels and layers', () => {
    const before = target({
      layers: [dig('base'), dig('app1')],
      config: {
        user: 'root',
        entrypoint: ['/app/run'],
        cmd: ['serve'],
        exposedPorts: ['8080/tcp', '9000/tcp'],
        labels: { version: '1', 'org.opencontainers.image.title': 'app' },
      },
    });
    const after = target({
      layers: [dig('base'), dig('app2'), dig('extra')],
      config: {
        user: 'app',
        entrypoint: ['/app/run2'],
        cmd: ['serve'],
        workingDir: '/app',
        exposedPorts: ['8080/tcp', '8443/tcp'],
        labels: { version: '2', 'org.opencontainers.image.title': 'app' },
      },
    });
    const c = diffConfig(before.result, after.result);
    expect(c).toEqual({
      user: { before: 'root', after: 'app' },
      entrypoint: { before: ['/app/run'], after: ['/app/run2'] },
      workingDir: { after: '/app' },
      env: { added: [], removed: [], changed: [] },
      labels: { added: [], removed: [], changed: [{ key: 'version', before: '1', after: '2' }] },
      exposedPorts: { added: ['8443/tcp'], removed: ['9000/tcp'] },
      layers: { before: 2, after: 3, shared: 1 },
    });
    expect(countConfigChanges(c)).toBe(6);
  });

  it('identical configs: no changes', () => {
    const t = target({ layers: [dig('x')], config: { user: 'app', env: ['A=1'] } });
    const c = diffConfig(t.result, t.result);
    expect(countConfigChanges(c)).toBe(0);
    expect(c.layers).toEqual({ before: 1, after: 1, shared: 1 });
  });
});
