/**
 * Go catalogers. Build info is checked against `go version -m` (an exact oracle) on binaries the
 * test builds with the real toolchain — a module with a plain dependency, a dependency replaced
 * by another module and one replaced by a local directory, served offline from a file-system
 * GOPROXY — plus ldflags/VCS-stamped builds, the Go binaries this machine ships, and hand-built
 * ELF files in the pre-1.18 pointer format (4/8-byte pointers, both byte orders), which the Go
 * tool reads as well.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortcullisError } from '../../core/errors.js';
import { runCatalogers } from '../testing.js';
import { readGoBuildInfo, stripModinfoSentinels, type GoBuildInfo } from './buildinfo.js';
import {
  goBinaryCataloger,
  goModCataloger,
  golangPurl,
  goStdlibVersion,
  mainModuleVersion,
  pseudoVersion,
  versionFromLdflags,
} from './cataloger.js';
import { parseGoMod, parseGoSum } from './parse-go-mod.js';
import { parseModinfo, unquoteGo } from './parse-modinfo.js';
import { command, describeWith, itWith } from '../../../test/support/oracles.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

const GO_NEEDS = [command('go', 'golang-go')];
const GIT_NEEDS = [command('git', 'git')];
const NO_SHIPPED = 'none of the Go binaries Debian ships here are installed';

interface Oracle {
  goVersion: string;
  path?: string;
  mod?: string;
  deps: string[];
  settings: [string, string][];
}

/** `go version -m` output, parsed independently of the code under test. */
function oracle(bin: string): Oracle {
  const out = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [first, ...rest] = out.split('\n');
  const o: Oracle = { goVersion: first!.slice(first!.indexOf(': ') + 2).trim(), deps: [], settings: [] };
  for (const line of rest) {
    const f = line.replace(/^\t/, '').split('\t');
    if (f[0] === 'path') o.path = f[1];
    else if (f[0] === 'mod') o.mod = [f[1], f[2], f[3] ?? ''].join(' ').trim();
    else if (f[0] === 'dep') o.deps.push([f[1], f[2], f[3] ?? ''].join(' ').trim());
    else if (f[0] === '=>') {
      const target = [f[1], f[2], f[3] ?? ''].join(' ').trim();
      if (o.deps.length > 0) o.deps[o.deps.length - 1] += ` => ${target}`;
      else o.mod += ` => ${target}`;
    } else if (f[0] === 'build') {
      const kv = f.slice(1).join('\t');
      o.settings.push([kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
    }
  }
  return o;
}

function ours(info: GoBuildInfo): Oracle {
  const mod = (m: {
    path: string;
    version: string;
    sum?: string;
    replace?: { path: string; version: string; sum?: string };
  }) =>
    [m.path, m.version, m.sum ?? ''].join(' ').trim() +
    (m.replace ? ` => ${[m.replace.path, m.replace.version, m.replace.sum ?? ''].join(' ').trim()}` : '');
  return {
    goVersion: info.goVersion,
    ...(info.path !== undefined ? { path: info.path } : {}),
    ...(info.main ? { mod: mod(info.main) } : {}),
    deps: info.deps.map(mod),
    // The oracle prints quoted values as written; compare those through Go's unquoting.
    settings: Object.entries(info.settings),
  };
}

function normaliseOracleSettings(o: Oracle): Oracle {
  return {
    ...o,
    settings: o.settings.map(([k, v]) => [
      k.startsWith('"') ? unquoteGo(k) : k,
      v.startsWith('"') ? unquoteGo(v) : v,
    ]),
  };
}

function expectSameAsGo(bin: string): GoBuildInfo {
  const info = readGoBuildInfo(readFileSync(bin));
  expect(info, `${bin} has build info`).toBeDefined();
  expect(ours(info!)).toEqual(normaliseOracleSettings(oracle(bin)));
  return info!;
}

/** Writes a module into a file-system GOPROXY (`$proxy/<path>/@v/{list,<v>.info,<v>.mod,<v>.zip}`). */
function publish(
  proxy: string,
  work: string,
  path: string,
  version: string,
  files: Record<string, string>,
): void {
  const dir = join(proxy, path, '@v');
  mkdirSync(dir, { recursive: true });
  const stage = mkdtempSync(join(work, 'stage-'));
  const root = join(stage, `${path}@${version}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  execFileSync('zip', ['-qr', join(dir, `${version}.zip`), `${path}@${version}`], { cwd: stage });
  writeFileSync(join(dir, `${version}.mod`), files['go.mod']!);
  writeFileSync(
    join(dir, `${version}.info`),
    JSON.stringify({ Version: version, Time: '2023-01-02T03:04:05Z' }),
  );
  writeFileSync(join(dir, 'list'), `${version}\n`, { flag: 'a' });
}

describeWith(GO_NEEDS, 'Go build info vs `go version -m` on binaries built here', () => {
  let work = '';
  const bins: Record<string, string> = {};

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'portcullis-go-'));
    const proxy = join(work, 'proxy');
    const gomod = (p: string) => `module ${p}\n\ngo 1.19\n`;
    publish(proxy, work, 'example.com/greet', 'v1.2.3', {
      'go.mod': gomod('example.com/greet'),
      'greet.go': 'package greet\n\nfunc Hello() string { return "hello" }\n',
    });
    // A fork published under another path but declaring the original one, as forks used via replace do.
    publish(proxy, work, 'example.com/greetfork', 'v1.2.4', {
      'go.mod': gomod('example.com/greet'),
      'greet.go': 'package greet\n\nfunc Hello() string { return "hello from the fork" }\n',
    });
    publish(proxy, work, 'example.com/color', 'v0.3.0', {
      'go.mod': gomod('example.com/color'),
      'color.go': 'package color\n\nfunc Red() string { return "red" }\n',
    });
    mkdirSync(join(work, 'mylib'));
    writeFileSync(join(work, 'mylib', 'go.mod'), gomod('example.com/mylib'));
    writeFileSync(
      join(work, 'mylib', 'mylib.go'),
      'package mylib\n\nfunc Name() string { return "mylib" }\n',
    );
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'go.mod'),
      'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/color v0.3.0\n\texample.com/greet v1.2.3\n\texample.com/mylib v0.0.0-00010101000000-000000000000\n)\n\nreplace example.com/mylib => ../mylib\n\nreplace example.com/greet v1.2.3 => example.com/greetfork v1.2.4\n',
    );
    writeFileSync(
      join(app, 'main.go'),
      'package main\n\nimport (\n\t"example.com/color"\n\t"example.com/greet"\n\t"example.com/mylib"\n)\n\nvar version = "dev"\n\nfunc main() { println(greet.Hello(), mylib.Name(), color.Red(), version) }\n',
    );
    const env = {
      ...process.env,
      GOCACHE: join(work, 'gocache'),
      GOPATH: join(work, 'gopath'),
      GOPROXY: `file://${proxy}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GOWORK: 'off',
    };
    const build = (name: string, args: string[] = [], cwd = app) => {
      bins[name] = join(work, 'bin', name);
      execFileSync('go', ['build', ...args, '-o', bins[name]!, '.'], {
        cwd,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    };
    build('app');
    build('app-ldflags', ['-ldflags=-s -w -X main.version=1.4.2']);
    if (GIT_NEEDS.every((n) => n.ok)) {
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
          cwd: app,
          env: {
            ...env,
            GIT_COMMITTER_DATE: '2023-04-05T06:07:08Z',
            GIT_AUTHOR_DATE: '2023-04-05T06:07:08Z',
          },
          stdio: 'ignore',
        });
      git('init', '-q');
      git('add', '.');
      git('commit', '-qm', 'init');
      build('app-vcs', ['-buildvcs=true']);
    }
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(['app', 'app-ldflags', 'app-vcs'])(
    '%s: every module, replacement, hash and setting matches',
    (name) => {
      if (!bins[name]) return expect(name, 'git is missing, so no VCS-stamped build').toBe('app-vcs');
      const info = expectSameAsGo(bins[name]!);
      expect(info.format).toBe('inline');
      expect(info.deps.length).toBe(3);
    },
  );

  it('turns the module list into packages (replacements applied, stdlib, edges)', () => {
    const r = runCatalogers(
      [[{ path: 'usr/local/bin/app', content: readFileSync(bins.app!), mode: 0o100755 }]],
      [goBinaryCataloger],
    );
    expect(r.unknowns).toEqual([]);
    const goVersion = oracle(bins.app!).goVersion;
    const std = goStdlibVersion(goVersion)!;
    expect(r.packages.map((p) => `${p.name} ${p.version} ${p.purl}`).sort()).toEqual(
      [
        'example.com/app (devel) pkg:golang/example.com/app',
        'example.com/color v0.3.0 pkg:golang/example.com/color@v0.3.0',
        'example.com/greetfork v1.2.4 pkg:golang/example.com/greetfork@v1.2.4',
        'example.com/mylib (devel) pkg:golang/example.com/mylib',
        `stdlib ${std} pkg:golang/stdlib@${std}`,
      ].sort(),
    );
    const byName = new Map(r.packages.map((p) => [p.name, p]));
    const main = byName.get('example.com/app')!;
    expect(main.metadata).toMatchObject({
      goVersion,
      mainModule: 'example.com/app',
      moduleVersion: '(devel)',
      GOOS: 'linux',
      mainPackage: 'example.com/app',
      application: 'true',
    });
    // Only the main module (the build info's `mod` line) is the application.
    expect(r.packages.filter((p) => p.metadata?.application === 'true').map((p) => p.name)).toEqual(['example.com/app']);
    expect(main.metadata!.GOARCH).toBe(execFileSync('go', ['env', 'GOARCH'], { encoding: 'utf8' }).trim());
    expect(main.dependsOn?.length).toBe(4);
    expect(byName.get('example.com/greetfork')!.metadata).toMatchObject({
      replaces: 'example.com/greet v1.2.3',
      h1Digest: expect.stringMatching(/^h1:/),
    });
    expect(byName.get('example.com/color')!.metadata!.h1Digest).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    expect(byName.get('example.com/mylib')!.metadata).toMatchObject({
      replacedBy: '../mylib',
      moduleVersion: '(devel)',
    });
    expect(byName.get('stdlib')!.locations[0]!.path).toBe('/usr/local/bin/app');
  });

  it('takes the main module version from -ldflags -X main.version', () => {
    const info = readGoBuildInfo(readFileSync(bins['app-ldflags']!))!;
    expect(info.settings['-ldflags']).toBe('-s -w -X main.version=1.4.2');
    expect(mainModuleVersion(info)).toEqual({ version: 'v1.4.2', source: 'ldflags' });
    const r = runCatalogers(
      [[{ path: 'app', content: readFileSync(bins['app-ldflags']!), mode: 0o100755 }]],
      [goBinaryCataloger],
    );
    expect(r.packages.find((p) => p.name === 'example.com/app')).toMatchObject({
      version: 'v1.4.2',
      purl: 'pkg:golang/example.com/app@v1.4.2',
      metadata: { versionSource: 'ldflags', moduleVersion: '(devel)', application: 'true' },
    });
  });

  itWith(GIT_NEEDS, 'derives a pseudo-version from the VCS stamp', () => {
    const info = readGoBuildInfo(readFileSync(bins['app-vcs']!))!;
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: join(work, 'app'),
      encoding: 'utf8',
    }).trim();
    expect(info.settings['vcs.revision']).toBe(rev);
    expect(info.settings['vcs.time']).toBe('2023-04-05T06:07:08Z');
    expect(mainModuleVersion(info)).toEqual({
      version: `v0.0.0-20230405060708-${rev.slice(0, 12)}`,
      source: 'vcs',
    });
  });

  it('a truncated binary becomes an unknown with a clear reason', () => {
    const buf = readFileSync(bins.app!);
    const at = buf.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    const r = runCatalogers(
      [[{ path: 'bin/cut', content: buf.subarray(0, at + 40), mode: 0o100755 }]],
      [goBinaryCataloger],
    );
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([
      expect.objectContaining({
        path: '/bin/cut',
        cataloger: 'go-binary',
        reason: expect.stringMatching(/^Go build info is damaged: .*past the end/),
      }),
    ]);
  });
});

describe('Go binaries shipped by Debian packages on this machine', () => {
  const shipped = [
    '/usr/bin/go',
    '/usr/bin/gofmt',
    '/usr/bin/docker-registry',
    '/usr/bin/umoci',
    '/usr/bin/skopeo',
  ]
    .filter(existsSync)
    .map((p) => realpathSync(p));
  it.skipIf(shipped.length === 0)(
    `${shipped.length} binaries match \`go version -m\` (${shipped.join(', ') || NO_SHIPPED})`,
    () => {
      for (const bin of shipped) expectSameAsGo(bin);
    },
  );
});


/**
 * A minimal ELF executable carrying Go 1.13–1.17 style build info: one writable PT_LOAD segment
 * mapping the whole file at 0x400000, the 32-byte header at 0x100 pointing at two Go string
 * headers, which point at the strings.
 */
function pointerFormatElf(opts: {
  ptrSize: 4 | 8;
  bigEndian: boolean;
  goVersion: string;
  modinfo: string;
}): Buffer {
  const { ptrSize, bigEndian: be } = opts;
  const is64 = ptrSize === 8;
  const base = 0x400000;
  const sentinelStart = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
  const sentinelEnd = Buffer.from('f932433186182072008242104116d8f2', 'hex');
  const version = Buffer.from(opts.goVersion);
  const mod = Buffer.concat([sentinelStart, Buffer.from(opts.modinfo), sentinelEnd]);
  const buf = Buffer.alloc(0x400 + mod.length);
  const u16 = (o: number, v: number) => (be ? buf.writeUInt16BE(v, o) : buf.writeUInt16LE(v, o));
  const u32 = (o: number, v: number) => (be ? buf.writeUInt32BE(v, o) : buf.writeUInt32LE(v, o));
  const ptr = (o: number, v: number) =>
    is64 ? (be ? buf.writeBigUInt64BE(BigInt(v), o) : buf.writeBigUInt64LE(BigInt(v), o)) : u32(o, v);
  buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, be ? 2 : 1, 1], 0);
  u16(16, 2); // ET_EXEC
  u16(18, is64 ? (be ? 43 : 62) : be ? 20 : 3); // sparcv9 / x86-64 / ppc / 386
  u32(20, 1);
  const phoff = is64 ? 64 : 52;
  if (is64) {
    ptr(32, phoff);
    u16(52, 64);
    u16(54, 56);
    u16(56, 1);
    u16(58, 64);
  } else {
    u32(28, phoff);
    u16(40, 52);
    u16(42, 32);
    u16(44, 1);
    u16(46, 40);
  }
  // PT_LOAD, flags R|W, offset 0, vaddr base, filesz = memsz = file size.
  u32(phoff, 1);
  if (is64) {
    u32(phoff + 4, 6);
    ptr(phoff + 16, base);
    ptr(phoff + 24, base);
    ptr(phoff + 32, buf.length);
    ptr(phoff + 40, buf.length);
  } else {
    u32(phoff + 8, base);
    u32(phoff + 12, base);
    u32(phoff + 16, buf.length);
    u32(phoff + 20, buf.length);
    u32(phoff + 24, 6);
  }
  Buffer.from('\xff Go buildinf:', 'latin1').copy(buf, 0x100);
  buf[0x100 + 14] = ptrSize;
  buf[0x100 + 15] = be ? 1 : 0;
  ptr(0x100 + 16, base + 0x200);
  ptr(0x100 + 16 + ptrSize, base + 0x220);
  ptr(0x200, base + 0x300);
  ptr(0x200 + ptrSize, version.length);
  ptr(0x220, base + 0x400);
  ptr(0x220 + ptrSize, mod.length);
  version.copy(buf, 0x300);
  mod.copy(buf, 0x400);
  return buf;
}

describe('pre-Go 1.18 pointer format', () => {
  const modinfo =
    'path\texample.com/old/cmd/tool\nmod\texample.com/old\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\ndep\tgolang.org/x/sys\tv0.0.0-20200930185726-fdedc70b468f\t\n=>\tgolang.org/x/sys\tv0.1.0\th1:sys=\n';
  const variants = [
    { ptrSize: 8, bigEndian: false },
    { ptrSize: 8, bigEndian: true },
    { ptrSize: 4, bigEndian: false },
    { ptrSize: 4, bigEndian: true },
  ] as const;

  it.each(variants)('%o is read like Go reads it', (v) => {
    const elf = pointerFormatElf({ ...v, goVersion: 'go1.16.15', modinfo });
    const info = readGoBuildInfo(elf)!;
    expect(info).toMatchObject({
      goVersion: 'go1.16.15',
      format: 'pointer',
      exe: 'elf',
      path: 'example.com/old/cmd/tool',
      main: { path: 'example.com/old', version: '(devel)' },
    });
    expect(info.deps).toEqual([
      {
        path: 'github.com/pkg/errors',
        version: 'v0.9.1',
        sum: 'h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
      },
      {
        path: 'golang.org/x/sys',
        version: 'v0.0.0-20200930185726-fdedc70b468f',
        replace: { path: 'golang.org/x/sys', version: 'v0.1.0', sum: 'h1:sys=' },
      },
    ]);
  });

  itWith(GO_NEEDS, 'the hand-built files are real: `go version -m` reads the same from each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-goptr-'));
    try {
      for (const v of variants) {
        const p = join(dir, `old-${v.ptrSize}-${v.bigEndian ? 'be' : 'le'}`);
        writeFileSync(p, pointerFormatElf({ ...v, goVersion: 'go1.16.15', modinfo }));
        chmodSync(p, 0o755);
        expectSameAsGo(p);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packages from a pointer-format binary; the stdlib version drops the go prefix', () => {
    const r = runCatalogers(
      [
        [
          {
            path: 'opt/old',
            content: pointerFormatElf({ ptrSize: 4, bigEndian: true, goVersion: 'go1.16.15', modinfo }),
            mode: 0o100755,
          },
        ],
      ],
      [goBinaryCataloger],
    );
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:golang/example.com/old',
      'pkg:golang/github.com/pkg/errors@v0.9.1',
      'pkg:golang/golang.org/x/sys@v0.1.0',
      'pkg:golang/stdlib@1.16.15',
    ]);
  });
});

describe('what the binary cataloger leaves alone', () => {
  it('non-Go ELF files, non-executables and scripts', () => {
    const elf = readFileSync('/bin/true');
    const r = runCatalogers(
      [
        [
          { path: 'bin/true', content: elf, mode: 0o100755 },
          {
            path: 'data.bin',
            content: pointerFormatElf({ ptrSize: 8, bigEndian: false, goVersion: 'go1.16', modinfo: '' }),
            mode: 0o100644,
          },
          {
            path: 'bin/script',
            content: '#!/bin/sh\necho \xff Go buildinf:\n'.padEnd(200, '#'),
            mode: 0o100755,
          },
        ],
      ],
      [goBinaryCataloger],
    );
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([]);
  });

  it.each([
    [{ path: 'usr/bin/x', mode: 0o100755, size: 2_000_000 }, true],
    [{ path: 'usr/bin/x', mode: 0o100700, size: 2_000_000 }, true],
    [{ path: 'usr/bin/x', mode: 0o100644, size: 2_000_000 }, false],
    [{ path: 'usr/bin/x', mode: 0o100755, size: 257 * 1024 * 1024 }, false],
  ])('wants(%o) = %s', (cand, want) => expect(goBinaryCataloger.wants(cand)).toBe(want));
});

describe('module info text', () => {
  it('parses quoted build settings, replacements of the main module and stray lines', () => {
    const text =
      'go\tgo1.21.0\npath\texample.com/x\nmod\texample.com/x\tv1.0.0\th1:m=\n=>\t../x\t(devel)\t\ndep\ta.b/c\tv1.0.0\nbuild\t-ldflags="-X \\"main.version=1.2.3\\" -s"\nbuild\t"weird key"=v\nbuild\tGOOS=linux\nnonsense\n';
    const info = parseModinfo(text);
    expect(info.main).toEqual({
      path: 'example.com/x',
      version: 'v1.0.0',
      sum: 'h1:m=',
      replace: { path: '../x', version: '(devel)' },
    });
    expect(info.deps).toEqual([{ path: 'a.b/c', version: 'v1.0.0' }]);
    expect(info.settings).toEqual({
      '-ldflags': '-X "main.version=1.2.3" -s',
      'weird key': 'v',
      GOOS: 'linux',
    });
  });

  it.each([
    ['"a\\tb"', 'a\tb'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xc3\\xa9"', 'é'],
  ])('unquotes Go string literal %s', (lit, want) => expect(unquoteGo(lit)).toBe(want));

  it('keeps module info only when the sentinels frame it', () => {
    const framed = Buffer.concat([Buffer.alloc(16, 1), Buffer.from('path\tx\n'), Buffer.alloc(16, 2)]);
    expect(Buffer.from(stripModinfoSentinels(framed)).toString()).toBe('path\tx\n');
    expect(stripModinfoSentinels(Buffer.from('path\tx\n'))).toHaveLength(0);
  });
});

describe('versions', () => {
  it.each([
    ['go1.19.8', '1.19.8'],
    ['go1.20', '1.20.0'],
    ['go1.21rc2', '1.21.0-rc.2'],
    ['go1.22.3 X:boringcrypto', '1.22.3'],
    ['devel go1.23-a1b2c3 Tue Jan 2 2024', undefined],
  ])('stdlib version of %s is %s', (go, want) => expect(goStdlibVersion(go)).toBe(want));

  it.each([
    ['-X main.version=1.4.2', 'v1.4.2'],
    ["-s -w -X 'main.Version=v2.0.0-rc.1'", 'v2.0.0-rc.1'],
    ['-X=github.com/x/y/internal/version.Version=3.1.0 -X main.commit=abc', 'v3.1.0'],
    ['-X a.version=1.0.0 -X b.version=2.0.0', undefined],
    ['-X main.version=1.0.0 -X other/pkg.version=2.0.0', 'v1.0.0'],
    ['-X main.version=dev', undefined],
    ['-s -w', undefined],
  ])('version from ldflags %j is %s', (flags, want) => expect(versionFromLdflags(flags)).toBe(want));

  it('pseudo-versions follow Go (UTC, 14 digits, 12 hex chars)', () => {
    expect(pseudoVersion('0123456789abcdef0123', '2023-04-05T08:07:08+02:00')).toBe(
      'v0.0.0-20230405060708-0123456789ab',
    );
    expect(pseudoVersion('0123456789ab', 'not a time')).toBeUndefined();
  });

  it.each([
    ['github.com/x/y', 'v1.2.3', 'pkg:golang/github.com/x/y@v1.2.3'],
    ['github.com/x/y/v2', 'v2.0.0+incompatible', 'pkg:golang/github.com/x/y/v2@v2.0.0%2Bincompatible'],
    [
      'github.com/Azure/go-autorest',
      'v14.2.0+incompatible',
      'pkg:golang/github.com/Azure/go-autorest@v14.2.0%2Bincompatible',
    ],
    ['example.com/app', '(devel)', 'pkg:golang/example.com/app'],
  ])('purl of %s@%s', (path, version, want) =>
    expect(decodeURIComponent(golangPurl(path, version))).toBe(decodeURIComponent(want)),
  );
});

describe('go.mod and go.sum', () => {
  const mod = readFileSync(join(TESTDATA, 'go.mod'), 'utf8');
  const sum = readFileSync(join(TESTDATA, 'go.sum'), 'utf8');

  it('parses require blocks, indirect markers, quoted paths, replace and exclude', () => {
    const m = parseGoMod(mod);
    expect(m.module).toBe('example.com/app');
    expect(m.requires).toEqual([
      { path: 'github.com/pkg/errors', version: 'v0.9.1', indirect: false },
      { path: 'golang.org/x/text', version: 'v0.14.0', indirect: true },
      { path: 'example.com/local', version: 'v1.0.0', indirect: false },
      { path: 'github.com/bad/mod', version: 'v1.2.3', indirect: false },
      { path: 'github.com/quoted/path', version: 'v0.1.0', indirect: false },
      { path: 'github.com/google/uuid', version: 'v1.5.0', indirect: false },
    ]);
    expect(m.replaces).toEqual([
      { from: 'example.com/local', to: '../local' },
      {
        from: 'github.com/pkg/errors',
        fromVersion: 'v0.9.1',
        to: 'github.com/fork/errors',
        toVersion: 'v0.9.2',
      },
      { from: 'github.com/quoted/path', to: 'github.com/quoted/fork', toVersion: 'v0.1.1' },
    ]);
    expect(m.excludes).toEqual([{ path: 'github.com/bad/mod', version: 'v1.2.3' }]);
    expect(Object.keys(parseGoSum(sum))).toEqual([
      'github.com/fork/errors@v0.9.2',
      'github.com/google/uuid@v1.5.0',
      'golang.org/x/text@v0.14.0',
    ]);
  });

  it('reports the modules a build would use, with hashes from the sibling go.sum', () => {
    const r = runCatalogers(
      [
        [
          { path: 'src/app/go.mod', content: mod },
          { path: 'src/app/go.sum', content: sum },
        ],
      ],
      [goModCataloger],
    );
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:golang/example.com/app',
      'pkg:golang/example.com/local',
      'pkg:golang/github.com/fork/errors@v0.9.2',
      'pkg:golang/github.com/google/uuid@v1.5.0',
      'pkg:golang/github.com/quoted/fork@v0.1.1',
      'pkg:golang/golang.org/x/text@v0.14.0',
    ]);
    const by = new Map(r.packages.map((p) => [p.name, p]));
    expect(by.get('golang.org/x/text')!.metadata).toEqual({
      mainModule: 'example.com/app',
      indirect: 'true',
      h1Digest: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
    });
    expect(by.get('github.com/fork/errors')!.metadata).toMatchObject({
      replaces: 'github.com/pkg/errors v0.9.1',
      h1Digest: expect.stringMatching(/^h1:Fork/),
    });
    expect(by.get('example.com/local')).toMatchObject({
      version: '(devel)',
      metadata: { replacedBy: '../local' },
    });
    expect(by.get('github.com/google/uuid')!.locations[0]!.path).toBe('/src/app/go.mod');
    // The module line: the application itself, depending on every module it requires.
    const main = by.get('example.com/app')!;
    expect(main).toMatchObject({ version: '(devel)', purl: 'pkg:golang/example.com/app', foundBy: 'go-mod', metadata: { application: 'true', moduleVersion: '(devel)', mainModule: 'example.com/app' } });
    const names = new Map(r.packages.map((p) => [p.id, p.name]));
    expect((main.dependsOn ?? []).map((d) => names.get(d)).sort()).toEqual(['example.com/local', 'github.com/fork/errors', 'github.com/google/uuid', 'github.com/quoted/fork', 'golang.org/x/text']);
    expect(r.packages.filter((p) => p.metadata?.application)).toEqual([main]);
  });

  it('works without a go.sum and ignores module caches and vendor trees', () => {
    const r = runCatalogers(
      [
        [
          { path: 'go.mod', content: 'module m\n\nrequire a.io/b v1.0.0\n' },
          {
            path: 'root/go/pkg/mod/x.io/y@v1.0.0/go.mod',
            content: 'module x.io/y\n\nrequire c.io/d v1.0.0\n',
          },
          { path: 'src/vendor/e.io/f/go.mod', content: 'module e.io/f\n\nrequire g.io/h v1.0.0\n' },
        ],
      ],
      [goModCataloger],
    );
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:golang/a.io/b@v1.0.0', 'pkg:golang/m']);
  });

  it.each([
    ['a module line only', 'module example.com/tool\n\ngo 1.22\n', ['pkg:golang/example.com/tool application']],
    ['no module line: no application', 'require a.io/b v1.0.0\n', ['pkg:golang/a.io/b@v1.0.0 -']],
    ['a quoted module path', 'module "example.com/q"\n', ['pkg:golang/example.com/q application']],
  ])('main module from go.mod: %s', (_name, text, want) => {
    const r = runCatalogers([[{ path: 'app/go.mod', content: text }]], [goModCataloger]);
    expect(r.packages.map((p) => `${p.purl} ${p.metadata?.application ? 'application' : '-'}`).sort()).toEqual(want);
  });
});

// Typed errors surface as codes, not only as messages.
describe('errors', () => {
  it('damaged build info throws ARCHIVE_INVALID', () => {
    const elf = pointerFormatElf({ ptrSize: 8, bigEndian: false, goVersion: 'go1.16', modinfo: '' });
    elf[0x100 + 14] = 3;
    try {
      readGoBuildInfo(elf);
      expect.unreachable();
    } catch (err) {
      expect(isPortcullisError(err) && err.code).toBe('ARCHIVE_INVALID');
    }
  });
});
