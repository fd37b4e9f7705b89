/**
 * `sbom rootfs:` over a source tree holding one project per ecosystem: each project's own
 * package is reported once, marked as the application in JSON, CycloneDX and SPDX, beside (not
 * instead of) its dependencies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCycloneDx, validateSpdx } from '../src/sbom/validate.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
let dir: string;

const FILES: Record<string, string> = {
  'srv/web/package.json': JSON.stringify({ name: '@acme/web', version: '1.2.3', license: 'MIT', dependencies: { ms: '2.1.2' } }),
  'srv/web/node_modules/ms/package.json': JSON.stringify({ name: 'ms', version: '2.1.2', license: 'MIT' }),
  'srv/api/pyproject.toml': '[project]\nname = "Acme_API"\nversion = "0.9.0"\nlicense = "Apache-2.0"\n',
  'srv/api/requirements.txt': 'idna==3.7\n',
  'srv/svc/pom.xml': '<project><parent><groupId>io.acme</groupId><artifactId>parent</artifactId><version>4.1.0</version></parent><artifactId>svc</artifactId></project>',
  'srv/tool/go.mod': 'module example.com/acme/tool\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n',
  'usr/share/nodejs/debug/package.json': JSON.stringify({ name: 'debug', version: '4.3.4' }),
};

const sbom = (format: string) => {
  const r = spawnSync(process.execPath, [CLI, 'sbom', `rootfs:${dir}`, '--format', format, '--quiet', '--no-cache'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

const APPS = ['pkg:golang/example.com/acme/tool', 'pkg:maven/io.acme/svc@4.1.0', 'pkg:npm/%40acme/web@1.2.3', 'pkg:pypi/acme-api@0.9.0'];

beforeAll(() => {
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'portcullis-apps-'));
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('application packages through the CLI', () => {
  it('JSON: each project once, marked, with its manifest; dependencies still reported, unmarked', () => {
    const pkgs = sbom('json').packages as { purl: string; foundBy: string; locations: { path: string }[]; metadata?: Record<string, string> }[];
    const apps = pkgs.filter((p) => p.metadata?.application === 'true');
    expect(apps.map((p) => p.purl).sort()).toEqual(APPS);
    expect(apps.map((p) => `${p.foundBy} ${p.locations[0]!.path}`).sort()).toEqual(['go-mod /srv/tool/go.mod', 'maven-project /srv/svc/pom.xml', 'npm-installed /srv/web/package.json', 'python-project /srv/api/pyproject.toml']);
    const deps = pkgs.filter((p) => !p.metadata?.application).map((p) => p.purl).sort();
    expect(deps).toEqual(['pkg:golang/golang.org/x/text@v0.14.0', 'pkg:npm/ms@2.1.2', 'pkg:pypi/idna@3.7']);
  });

  it('CycloneDX: the projects are application components, valid against the schema', () => {
    const doc = sbom('cyclonedx') as { components: { type: string; purl?: string }[] };
    expect(doc.components.filter((c) => c.type === 'application').map((c) => c.purl).sort()).toEqual(APPS);
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
  });

  it('SPDX: primaryPackagePurpose APPLICATION, valid against the schema', () => {
    const doc = sbom('spdx-json') as { packages: { primaryPackagePurpose?: string; externalRefs?: { referenceLocator: string }[] }[] };
    const apps = doc.packages.filter((p) => p.primaryPackagePurpose === 'APPLICATION').map((p) => p.externalRefs?.[0]?.referenceLocator).sort();
    expect(apps).toEqual(APPS);
    expect(validateSpdx(doc).valid).toBe(true);
  });
});
