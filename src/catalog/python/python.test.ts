/**
 * Python catalogers: installed distributions checked against importlib.metadata (the reference
 * implementation) over the same directory, and lockfile parsers over realistic documents.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCatalogers, type TestFile } from '../testing.js';
import { pythonInstalledCataloger } from './installed.js';
import { parsePipfileLock, parsePoetryLock, parseRequirements, parseUvLock } from './lockfiles.js';
import { normaliseName } from './metadata.js';

const SITE_DIRS = ['/usr/lib/python3/dist-packages', '/usr/lib/python3.11/dist-packages'].filter((d) => existsSync(d));

function collect(dir: string, prefix: string): TestFile[] {
  const out: TestFile[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!/\.(dist|egg)-info$/.test(name)) continue;
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p)) {
        const fp = join(p, f);
        if (statSync(fp).isFile() && statSync(fp).size < 8e6) out.push({ path: `${prefix}/${name}/${f}`, content: readFileSync(fp) });
      }
    } else out.push({ path: `${prefix}/${name}`, content: readFileSync(p) });
  }
  return out;
}

describe('python-installed on this machine’s real site directories', () => {
  it.each(SITE_DIRS)('%s matches importlib.metadata', (dir) => {
    const oracle = execFileSync('python3', ['-c', `import importlib.metadata as m\nfor d in m.distributions(path=[${JSON.stringify(dir)}]):\n  print(d.metadata['Name'], d.version)`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [n, v] = l.split(' ');
        return `${normaliseName(n!)} ${v}`;
      });
    const r = runCatalogers([collect(dir, dir.slice(1))], [pythonInstalledCataloger]);
    const found = r.packages.map((p) => `${normaliseName(p.name)} ${p.version}`);
    expect([...new Set(found)].sort()).toEqual([...new Set(oracle)].sort());
    expect(found.length).toBeGreaterThan(0);
    for (const p of r.packages) expect(p.purl).toMatch(/^pkg:pypi\/[a-z0-9-]+@/);
  });
});

describe('core metadata', () => {
  it('reads licenses by precedence and edges from Requires-Dist (extras skipped)', () => {
    const a = 'Metadata-Version: 2.4\nName: Alpha_Pkg\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nRequires-Dist: beta>=1\nRequires-Dist: gamma; extra == "test"\n\nLong description\nName: ignored\n';
    const b = 'Metadata-Version: 2.1\nName: beta\nVersion: 2.0\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved :: MIT License\n';
    const r = runCatalogers([[{ path: 'site/alpha_pkg-1.0.dist-info/METADATA', content: a }, { path: 'site/beta-2.0.dist-info/METADATA', content: b }]], [pythonInstalledCataloger]);
    const alpha = r.packages.find((p) => p.name === 'Alpha_Pkg')!;
    const beta = r.packages.find((p) => p.name === 'beta')!;
    expect(alpha.purl).toBe('pkg:pypi/alpha-pkg@1.0');
    expect(alpha.licenses).toEqual(['MIT OR Apache-2.0']);
    expect(beta.licenses).toEqual(['MIT']);
    expect(alpha.dependsOn).toEqual([beta.id]);
  });
});

describe('lockfiles', () => {
  it('requirements.txt: pins only, with extras, markers, continuations and comments', () => {
    const text = '# comment\nrequests[socks]==2.31.0 ; python_version >= "3.8" \\\n  --hash=sha256:abc\n-r other.txt\nflask>=2\nDjango===4.2.7\nnumpy==1.*\nhttps://example.com/x.whl\nurllib3==2.0.7  # inline\n';
    expect(parseRequirements(text)).toEqual([
      { name: 'requests', version: '2.31.0' },
      { name: 'Django', version: '4.2.7' },
      { name: 'urllib3', version: '2.0.7' },
    ]);
  });

  it('poetry.lock', () => {
    const text = '[[package]]\nname = "requests"\nversion = "2.31.0"\ndescription = ""\noptional = false\npython-versions = ">=3.7"\ncategory = "main"\n\n[package.dependencies]\nidna = ">=2.5,<4"\n\n[[package]]\nname = "idna"\nversion = "3.6"\ncategory = "main"\n\n[[package]]\nname = "pytest"\nversion = "7.4.3"\ncategory = "dev"\n\n[metadata]\nlock-version = "2.0"\n';
    expect(parsePoetryLock(text)).toEqual([
      { name: 'requests', version: '2.31.0', deps: ['idna'] },
      { name: 'idna', version: '3.6', deps: [] },
      { name: 'pytest', version: '7.4.3', dev: true, deps: [] },
    ]);
  });

  it('Pipfile.lock', () => {
    const text = JSON.stringify({ _meta: {}, default: { requests: { version: '==2.31.0' } }, develop: { pytest: { version: '==7.4.3' } } });
    expect(parsePipfileLock(text)).toEqual([
      { name: 'requests', version: '2.31.0' },
      { name: 'pytest', version: '7.4.3', dev: true },
    ]);
  });

  it('uv.lock skips the editable project itself', () => {
    const text = 'version = 1\nrequires-python = ">=3.12"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "idna" }]\n\n[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://pypi.org/simple" }\n';
    expect(parseUvLock(text)).toEqual([{ name: 'idna', version: '3.10', deps: [] }]);
  });
});
