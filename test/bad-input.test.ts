/**
 * Hostile and broken input: every case gets a stable error code, a one-line message with a hint,
 * exit status 2, bounded time and memory — through the real CLI.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzLayer, makeTar, sha256, writeOciLayout, type LayoutSpec } from './support/oci-builder.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-bad-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const cacheDir = join(work, 'cache');
  const r = spawnSync(process.execPath, [CLI, ...args, '--cache-dir', cacheDir, '--quiet'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
function layout(spec: LayoutSpec): string {
  return writeOciLayout(join(work, `img-${n++}`), spec);
}

const osRelease = { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' };

async function goodTar() {
  return makeTar([{ name: 'etc/', type: 'directory' }, osRelease]);
}

interface Case {
  name: string;
  code: string;
  target: () => Promise<string>;
  args?: string[];
}

const cases: Case[] = [
  {
    name: 'corrupt gzip',
    code: 'LAYER_CORRUPT',
    target: async () => {
      const tar = await goodTar();
      const gz = gzipSync(tar);
      const bad = Buffer.from(gz);
      for (let i = 20; i < bad.length - 8; i++) bad[i] = bad[i]! ^ 0x5a;
      return layout({ layers: [{ blob: bad, tar }] });
    },
  },
  {
    name: 'truncated gzip',
    code: 'LAYER_TRUNCATED',
    target: async () => {
      const tar = await makeTar([osRelease, { name: 'big', content: Buffer.alloc(200_000, 7) }]);
      const gz = gzipSync(tar).subarray(0, 300);
      return layout({ layers: [{ blob: gz, tar }] });
    },
  },
  {
    name: 'truncated tar',
    code: 'LAYER_TRUNCATED',
    target: async () => {
      const tar = (await makeTar([osRelease, { name: 'data.bin', content: Buffer.alloc(100_000, 1) }])).subarray(0, 20_000);
      return layout({ layers: [gzLayer(tar)] });
    },
  },
  {
    name: 'not a tar at all',
    code: 'LAYER_CORRUPT',
    target: async () => layout({ layers: [gzLayer(Buffer.alloc(4096, 0x41))] }),
  },
  {
    name: 'layer digest mismatch',
    code: 'DIGEST_MISMATCH',
    target: async () => {
      const tar = await goodTar();
      const good = gzLayer(tar);
      const other = gzipSync(await makeTar([{ name: 'etc/os-release', content: 'ID=evil\n' }]));
      return layout({ layers: [{ ...good, tamperedBytes: other }] });
    },
  },
  {
    name: 'diffID mismatch',
    code: 'DIGEST_MISMATCH',
    target: async () => {
      const tar = await goodTar();
      return layout({ layers: [{ ...gzLayer(tar), diffId: sha256(Buffer.from('something else')) }] });
    },
  },
  {
    name: 'entry with ../',
    code: 'UNSAFE_PATH',
    target: async () => layout({ layers: [gzLayer(await makeTar([osRelease, { name: '../../etc/cron.d/evil', content: 'x' }]))] }),
  },
  {
    name: 'entry with an absolute path',
    code: 'UNSAFE_PATH',
    target: async () => layout({ layers: [gzLayer(await makeTar([osRelease, { name: '/etc/passwd', content: 'root::0:0::/:/bin/sh\n' }]))] }),
  },
  {
    name: 'hardlink escaping the root',
    code: 'UNSAFE_PATH',
    target: async () => layout({ layers: [gzLayer(await makeTar([osRelease, { name: 'x', type: 'link', linkname: '../../../etc/shadow' }]))] }),
  },
  {
    name: 'symlink loop on a path the scanner resolves',
    code: 'SYMLINK_LOOP',
    target: async () =>
      layout({
        layers: [
          gzLayer(
            await makeTar([
              { name: 'etc/', type: 'directory' },
              { name: 'etc/os-release', type: 'symlink', linkname: 'a' },
              { name: 'etc/a', type: 'symlink', linkname: 'b' },
              { name: 'etc/b', type: 'symlink', linkname: '/etc/os-release' },
            ]),
          ),
        ],
      }),
  },
  {
    name: 'gzip bomb (1 GiB of zeros in ~1 MiB)',
    code: 'DECOMPRESSION_BOMB',
    target: async () => {
      const dir = join(work, 'bomb-src');
      execFileSync('mkdir', ['-p', dir]);
      execFileSync('truncate', ['-s', '1G', join(dir, 'zeros')]);
      const tarFile = join(work, 'bomb.tar.gz');
      // Non-sparse tar of zeros, gzip -9: ratio ~1000:1.
      execFileSync('bash', ['-c', `tar -C ${dir} -cf - zeros | gzip -9 > ${tarFile}`]);
      rmSync(dir, { recursive: true });
      const blob = readFileSync(tarFile);
      return layout({ layers: [{ blob, diffId: sha256(Buffer.from('unknown')) }] });
    },
  },
  {
    name: 'layer over --max-layer-size',
    code: 'DECOMPRESSION_BOMB',
    args: ['--max-layer-size', '64K'],
    target: async () => layout({ layers: [gzLayer(await makeTar([osRelease, { name: 'data', content: Buffer.alloc(200_000, 3) }]))] }),
  },
  {
    name: 'manifest naming a missing blob',
    code: 'BLOB_MISSING',
    target: async () => layout({ layers: [{ ...gzLayer(await goodTar()), omit: true }] }),
  },
  {
    name: 'unknown layer media type',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    target: async () => layout({ layers: [{ ...gzLayer(await goodTar()), mediaType: 'application/vnd.example.unknown' }] }),
  },
  {
    name: 'artifact instead of an image (helm chart config)',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    target: async () => layout({ layers: [gzLayer(await goodTar())], configMediaType: 'application/vnd.cncf.helm.config.v1+json' }),
  },
  {
    name: 'malformed manifest JSON',
    code: 'MANIFEST_INVALID',
    target: async () => layout({ layers: [gzLayer(await goodTar())], manifestText: '{"schemaVersion": 2, "config": ' }),
  },
  {
    name: 'missing file',
    code: 'FILE_NOT_FOUND',
    target: async () => `oci-archive:${join(work, 'does-not-exist.tar')}`,
  },
  {
    name: 'truncated oci-archive',
    code: 'ARCHIVE_INVALID',
    target: async () => {
      const f = join(work, 'trunc.tar');
      writeFileSync(f, (await makeTar([{ name: 'oci-layout', content: '{}' }, { name: 'index.json', content: 'x'.repeat(5000) }])).subarray(0, 1500));
      return `oci-archive:${f}`;
    },
  },
  {
    name: 'invalid reference',
    code: 'INVALID_REFERENCE',
    target: async () => 'docker://Registry.example.com/UPPER/Case:tag',
  },
];

describe('bad input through the CLI', () => {
  it.each(cases)('$name → $code, exit 2', async (c) => {
    const target = await c.target();
    const started = Date.now();
    const r = run(['sbom', target, '--format', 'json', ...(c.args ?? [])]);
    expect(r.stderr).toContain(`error [${c.code}]:`);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^error \\[${c.code}\\]: .+`));
    expect(lines[1]).toMatch(/^hint: .+/);
    expect(lines.length).toBe(2);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('a huge sparse file is skipped, not read: the scan completes with a coded warning', async () => {
    const dir = join(work, 'sparse-src');
    execFileSync('mkdir', ['-p', join(dir, 'var/lib/dpkg'), join(dir, 'etc')]);
    writeFileSync(join(dir, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
    execFileSync('truncate', ['-s', '20G', join(dir, 'var/lib/dpkg/status')]);
    const tarFile = join(work, 'sparse.tar');
    execFileSync('tar', ['--sparse', '--format=gnu', '-C', dir, '-cf', tarFile, 'etc', 'var']);
    rmSync(dir, { recursive: true });
    const tar = readFileSync(tarFile);
    expect(tar.length).toBeLessThan(1_000_000);
    const target = layout({ layers: [gzLayer(tar)] });
    const started = Date.now();
    const r = spawnSync(process.execPath, [CLI, 'sbom', target, '--format', 'json', '--no-cache'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const doc = JSON.parse(r.stdout);
    expect(doc.unknowns.some((u: { path: string; reason: string }) => u.path === '/var/lib/dpkg/status' && u.reason.startsWith('UNSUPPORTED_ENTRY'))).toBe(true);
    expect(r.stderr).toContain('could not be catalogued');
  });

  it('a wanted file over the size cap becomes a FILE_TOO_LARGE unknown, memory stays bounded', async () => {
    const big = Buffer.alloc(160 * 1024 * 1024, 0x20);
    const tar = await makeTar([osRelease, { name: 'var/lib/dpkg/status', content: big }]);
    const target = layout({ layers: [gzLayer(tar)] });
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'sbom', target, '--format', 'json', '--no-cache', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.unknowns.some((u: { reason: string }) => u.reason.startsWith('FILE_TOO_LARGE'))).toBe(true);
    const maxRssKb = Number(r.stderr.trim().split('\n').pop());
    expect(maxRssKb).toBeLessThan(250 * 1024);
  });

  it('never writes outside the cache directory', () => {
    expect(existsSync(join(work, 'etc'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'etc', 'cron.d', 'evil'))).toBe(false);
  });
});
