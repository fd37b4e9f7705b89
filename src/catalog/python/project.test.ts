/** A Python project's own package from pyproject.toml (PEP 621 and Poetry), table-driven. */
import { describe, expect, it } from 'vitest';
import { runCatalogers, type TestFile } from '../testing.js';
import { pythonInstalledCataloger } from './installed.js';
import { pythonLockCataloger } from './lockfiles.js';
import { parsePyproject, pythonProjectCataloger } from './project.js';

const brief = (layers: TestFile[][]) =>
  runCatalogers(layers, [pythonProjectCataloger])
    .packages.map((p) => `${p.purl} ${p.licenses.join('|') || '-'} ${p.locations.map((l) => `${l.path}@${Number(l.layerDiffId!.slice(-2))}`).join(',')} ${JSON.stringify(p.metadata)}`)
    .sort();

describe('pyproject.toml', () => {
  it.each([
    ['PEP 621', '[project]\nname = "Shop_API"\nversion = "2.3.0"\nlicense = "MIT"\n', { name: 'Shop_API', version: '2.3.0', licenses: ['MIT'], from: 'project' }],
    ['PEP 621 license table', '[project]\nname = "x"\nversion = "1.0"\nlicense = { text = "Apache 2.0" }\n', { name: 'x', version: '1.0', licenses: ['Apache-2.0'], from: 'project' }],
    ['PEP 621 license file only', '[project]\nname = "x"\nversion = "1.0"\nlicense = { file = "LICENSE" }\n', { name: 'x', version: '1.0', licenses: [], from: 'project' }],
    ['Poetry 1', '[tool.poetry]\nname = "billing"\nversion = "0.4.1"\nlicense = "BSD-3-Clause"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n', { name: 'billing', version: '0.4.1', licenses: ['BSD-3-Clause'], from: 'tool.poetry' }],
    ['Poetry 2: dynamic [project] version from [tool.poetry]', '[project]\nname = "svc"\ndynamic = ["version"]\n\n[tool.poetry]\nversion = "3.0.0"\n', { name: 'svc', version: '3.0.0', licenses: [], from: 'project' }],
    ['dynamic version: unknown without a build', '[project]\nname = "svc"\ndynamic = ["version"]\n\n[tool.setuptools_scm]\n', null],
    ['no name', '[project]\nversion = "1.0"\n', null],
    ['tool config only (ruff, black)', '[tool.ruff]\nline-length = 100\n', null],
  ] as const)('%s', (_name, text, want) => {
    expect(parsePyproject(text)).toEqual(want);
  });

  it('a malformed file is an unknown', () => {
    const r = runCatalogers([[{ path: 'app/pyproject.toml', content: '[project\nname = ' }]], [pythonProjectCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([expect.objectContaining({ path: '/app/pyproject.toml', cataloger: 'python-project' })]);
  });

  const PEP621 = '[project]\nname = "Shop_API"\nversion = "2.3.0"\nlicense = "MIT"\n';
  it.each([
    ['purl name normalised, marked, with its layer', [[{ path: 'etc/hostname', content: 'h' }], [{ path: 'srv/shop/pyproject.toml', content: PEP621 }]], ['pkg:pypi/shop-api@2.3.0 MIT /srv/shop/pyproject.toml@1 {"application":"true"}']],
    ['Poetry marked as declared there', [[{ path: 'app/pyproject.toml', content: '[tool.poetry]\nname = "billing"\nversion = "0.4.1"\n' }]], ['pkg:pypi/billing@0.4.1 - /app/pyproject.toml@0 {"application":"true","declaredIn":"tool.poetry"}']],
    ['sources inside installed trees and system directories are not the project', [[{ path: 'usr/local/lib/python3.12/site-packages/x/pyproject.toml', content: PEP621 }, { path: 'usr/lib/python3/dist-packages/y/pyproject.toml', content: PEP621 }, { path: 'usr/share/doc/z/pyproject.toml', content: PEP621 }]], []],
    ['replaced in an upper layer: the surviving version, from its layer', [[{ path: 'app/pyproject.toml', content: PEP621 }], [{ path: 'app/pyproject.toml', content: PEP621.replace('2.3.0', '2.4.0') }]], ['pkg:pypi/shop-api@2.4.0 MIT /app/pyproject.toml@1 {"application":"true"}']],
    ['deleted in an upper layer', [[{ path: 'app/pyproject.toml', content: PEP621 }], [{ path: 'app/pyproject.toml', whiteout: true }]], []],
  ] as [string, TestFile[][], string[]][])('%s', (_name, layers, want) => {
    expect(brief(layers)).toEqual(want);
  });

  it('beside a uv.lock: the project once (uv lists it as editable, the lock cataloger skips it) and its locked dependencies', () => {
    const uv = 'version = 1\n\n[[package]]\nname = "shop-api"\nversion = "2.3.0"\nsource = { editable = "." }\ndependencies = [{ name = "idna" }]\n\n[[package]]\nname = "idna"\nversion = "3.7"\nsource = { registry = "https://pypi.org/simple" }\n';
    const r = runCatalogers([[{ path: 'app/pyproject.toml', content: PEP621 }, { path: 'app/uv.lock', content: uv }]], [pythonProjectCataloger, pythonLockCataloger, pythonInstalledCataloger]);
    expect(r.packages.map((p) => `${p.purl} ${p.foundBy}`).sort()).toEqual(['pkg:pypi/idna@3.7 python-lock', 'pkg:pypi/shop-api@2.3.0 python-project']);
  });
});
