import { describe, expect, it } from 'vitest';
import { view } from './_testing.js';
import { diffFiles, isRiskyFileChange, riskyFlagsOf } from './files.js';

describe('riskyFlagsOf', () => {
  it.each([
    ['file', 0o4755, ['setuid']],
    ['file', 0o2755, ['setgid']],
    ['file', 0o6777, ['setuid', 'setgid', 'world-writable']],
    ['hardlink', 0o4755, ['setuid']],
    ['file', 0o666, ['world-writable']],
    ['dir', 0o1777, ['world-writable']],
    // setgid directories (group inheritance) are not setgid programs
    ['dir', 0o2775, []],
    ['symlink', 0o777, []],
    ['other', 0o666, []],
    ['file', 0o755, []],
  ] as const)('%s %o → %j', (type, mode, want) => {
    expect(riskyFlagsOf({ type, mode })).toEqual(want);
  });
});

describe('diffFiles', () => {
  it('new setuid binary, newly world-writable file, sticky dir flagged, removed setgid, unchanged ones not listed', () => {
    const before = view([
      { path: 'usr/bin/passwd', mode: 0o4755 },
      { path: 'usr/bin/chage', mode: 0o2755 },
      { path: 'srv/data', mode: 0o644 },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    ]);
    const after = view([
      { path: 'usr/bin/passwd', mode: 0o4755 },
      { path: 'usr/local/bin/helper', mode: 0o4755, uid: 0, gid: 0 },
      { path: 'srv/data', mode: 0o666, uid: 1000, gid: 1000 },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
      { path: 'var/cache/app', type: 'dir', mode: 0o1777 },
      { path: 'usr/bin/chage', mode: 0o755 },
    ]);
    const d = diffFiles({ before, after });
    expect(d).toEqual([
      {
        change: 'added',
        path: '/srv/data',
        type: 'file',
        flags: ['world-writable'],
        mode: '0666',
        uid: 1000,
        gid: 1000,
        otherMode: '0644',
      },
      {
        change: 'removed',
        path: '/usr/bin/chage',
        type: 'file',
        flags: ['setgid'],
        mode: '2755',
        uid: 0,
        gid: 0,
        otherMode: '0755',
      },
      {
        change: 'added',
        path: '/usr/local/bin/helper',
        type: 'file',
        flags: ['setuid'],
        mode: '4755',
        uid: 0,
        gid: 0,
      },
      {
        change: 'added',
        path: '/var/cache/app',
        type: 'dir',
        flags: ['world-writable'],
        mode: '1777',
        uid: 0,
        gid: 0,
        sticky: true,
      },
    ]);
    expect(d.filter(isRiskyFileChange).map((c) => c.path)).toEqual(['/srv/data', '/usr/local/bin/helper']);
  });

  it('a file that keeps setuid but gains world-writable reports only the gained bit; deleted setuid files are removed', () => {
    const d = diffFiles({
      before: view([
        { path: 'bin/su', mode: 0o4755 },
        { path: 'bin/mount', mode: 0o4755 },
      ]),
      after: view([{ path: 'bin/su', mode: 0o4757 }]),
      afterLayers: ['sha256:' + 'a'.repeat(64)],
    });
    expect(d.map((c) => `${c.change} ${c.path} ${c.flags.join(',')}`)).toEqual([
      'removed /bin/mount setuid',
      'added /bin/su world-writable',
    ]);
    expect(d[1]!.layerDiffId).toBe('sha256:' + 'a'.repeat(64));
  });
});
