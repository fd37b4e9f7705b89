/**
 * Go build info differential test: every Go binary this machine has (Debian's docker-registry,
 * umoci, skopeo, the go tool itself) parsed by us and by `go version -m`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { readGoBuildInfo } from './buildinfo.js';
import { goBinaryCataloger, goModCataloger, parseGoMod } from './cataloger.js';

const candidates = ['/usr/bin/docker-registry', '/usr/bin/umoci', '/usr/bin/skopeo', '/usr/bin/go', '/usr/lib/go/bin/gofmt'].filter(existsSync).map((p) => realpathSync(p));

function oracle(bin: string) {
  const out = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = out.split('\n');
  const goVersion = lines[0]!.split(': ')[1]!.trim();
  const deps: string[] = [];
  let main = '';
  for (const l of lines.slice(1)) {
    const f = l.trim().split('\t');
    if (f[0] === 'mod') main = `${f[1]} ${f[2]}`;
    if (f[0] === 'dep') deps.push(`${f[1]} ${f[2]}`);
    if (f[0] === '=>') deps[deps.length - 1] += ` => ${f[1]} ${f[2]}`;
  }
  return { goVersion, main, deps };
}

describe('Go build info vs `go version -m`', () => {
  it('has Go binaries to test on', () => expect(candidates.length).toBeGreaterThan(0));

  it.each(candidates)('%s', (bin) => {
    const expected = oracle(bin);
    const info = readGoBuildInfo(readFileSync(bin))!;
    expect(info.goVersion).toBe(expected.goVersion);
    expect(info.main ? `${info.main.path} ${info.main.version}` : '').toBe(expected.main);
    expect(info.deps.map((d) => `${d.path} ${d.version}${d.replace ? ` => ${d.replace.path} ${d.replace.version}` : ''}`)).toEqual(expected.deps);
    const r = runCatalogers([[{ path: 'usr/bin/x', content: readFileSync(bin), mode: 0o100755 }]], [goBinaryCataloger]);
    expect(r.packages.find((p) => p.name === 'stdlib')!.purl).toBe(`pkg:golang/stdlib@${expected.goVersion.replace(/^go/, '')}`);
    expect(r.packages.length).toBe(expected.deps.length + (expected.main ? 1 : 0) + 1);
  });

  it('ignores non-Go ELF files and non-executables', () => {
    const r = runCatalogers([[{ path: 'bin/true', content: readFileSync('/bin/true'), mode: 0o100755 }, { path: 'data.bin', content: readFileSync('/bin/true'), mode: 0o100644 }]], [goBinaryCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([]);
  });
});

describe('go.mod', () => {
  const text = `module example.com/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/text v0.14.0 // indirect\n\texample.com/local v1.0.0\n\tgithub.com/bad/mod v1.2.3\n)\n\nrequire github.com/google/uuid v1.5.0\n\nreplace example.com/local => ../local\nreplace github.com/pkg/errors v0.9.1 => github.com/fork/errors v0.9.2\n\nexclude github.com/bad/mod v1.2.3\n`;
  it('parses require blocks, indirect markers, replace and exclude', () => {
    const m = parseGoMod(text);
    expect(m.module).toBe('example.com/app');
    expect(m.requires).toHaveLength(5);
    expect(m.requires[1]).toEqual({ path: 'golang.org/x/text', version: 'v0.14.0', indirect: true });
    const r = runCatalogers([[{ path: 'src/go.mod', content: text }]], [goModCataloger]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:golang/example.com/local@v1.0.0',
      'pkg:golang/github.com/fork/errors@v0.9.2',
      'pkg:golang/github.com/google/uuid@v1.5.0',
      'pkg:golang/golang.org/x/text@v0.14.0',
    ]);
  });
});
