import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiff } from './run.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A Debian root filesystem holding one package at `version`. */
function rootfs(version: string): string {
  const d = mkdtempSync(join(tmpdir(), 'portcullis-rundiff-'));
  dirs.push(d);
  mkdirSync(join(d, 'etc'), { recursive: true });
  writeFileSync(join(d, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  mkdirSync(join(d, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(d, 'var/lib/dpkg/status'), `Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n\n`);
  return d;
}

describe('runDiff (the diff use case, called without the CLI)', () => {
  it('reads both sides, tells which it reads, and compares them without advisory data', async () => {
    const read: string[] = [];
    const before = `rootfs:${rootfs('1.34+dfsg-1')}`;
    const after = `rootfs:${rootfs('1.35+dfsg-1')}`;
    const d = await runDiff({ before, after, onRead: (r) => read.push(r) });
    expect(read.sort()).toEqual([before, after].sort());
    expect(d.packages.map((p) => [p.change, p.name])).toEqual([['upgraded', 'tar']]);
  });
});
