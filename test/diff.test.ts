/**
 * `portcullis diff` end to end through the built CLI: two real OCI layouts sharing base layers
 * (dpkg database, an installed npm package, setuid and world-writable files, config changes),
 * advisories imported with `db import`, exit codes, rootfs directories, bad input, and the real
 * fixture images (l4 → app).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDiffReport } from '../src/report/validate-diff.js';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';
import {
  gzLayer,
  makeTar,
  sha256,
  writeOciLayout,
  type LayerSpec,
  type TarEntrySpec,
} from './support/oci-builder.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');

let work: string;
let dataDir: string;
let fx: FixturePaths;
let refA: string;
let refB: string;
let topB: LayerSpec;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A dpkg status stanza shaped like the ones Debian bookworm writes. */
function stanza(p: {
  name: string;
  version: string;
  source?: string;
  section: string;
  multiArch?: string;
  description: string;
}): string {
  return [
    `Package: ${p.name}`,
    'Status: install ok installed',
    'Priority: optional',
    `Section: ${p.section}`,
    'Installed-Size: 1024',
    'Maintainer: Debian Developers <debian-devel@lists.debian.org>',
    'Architecture: amd64',
    ...(p.multiArch ? [`Multi-Arch: ${p.multiArch}`] : []),
    ...(p.source ? [`Source: ${p.source}`] : []),
    `Version: ${p.version}`,
    `Description: ${p.description}`,
    ' Test stanza for the diff command.',
    '',
  ].join('\n');
}

const BASE_FILES = stanza({
  name: 'base-files',
  version: '12.4+deb12u5',
  section: 'admin',
  description: 'Debian base system miscellaneous files',
});
const STATUS_A = [
  BASE_FILES,
  stanza({
    name: 'gzip',
    version: '1.12-1',
    section: 'utils',
    multiArch: 'foreign',
    description: 'GNU compression utilities',
  }),
  stanza({
    name: 'libc6',
    version: '2.36-9+deb12u2',
    source: 'glibc',
    section: 'libs',
    multiArch: 'same',
    description: 'GNU C Library: Shared libraries',
  }),
  stanza({
    name: 'tar',
    version: '1.34+dfsg-1.2',
    section: 'utils',
    multiArch: 'foreign',
    description: 'GNU version of the tar archiving utility',
  }),
].join('\n');
const STATUS_B = [
  BASE_FILES,
  stanza({
    name: 'curl',
    version: '7.88.1-10+deb12u3',
    section: 'web',
    description: 'command line tool for transferring data with URL syntax',
  }),
  stanza({
    name: 'libc6',
    version: '2.36-9+deb12u3',
    source: 'glibc',
    section: 'libs',
    multiArch: 'same',
    description: 'GNU C Library: Shared libraries',
  }),
  stanza({
    name: 'tar',
    version: '1.34+dfsg-1.2+deb12u1',
    section: 'utils',
    multiArch: 'foreign',
    description: 'GNU version of the tar archiving utility',
  }),
].join('\n');

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

async function layer(entries: TarEntrySpec[]): Promise<LayerSpec> {
  return gzLayer(await makeTar(entries));
}

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-diff-'));
  dataDir = join(work, 'db');
  const imp = cli([
    'db',
    'import',
    join(TD, 'debian-tracker.json'),
    join(TD, 'GHSA-c2qf-rxjj-qqgw.json'),
    '--data-dir',
    dataDir,
    '-q',
  ]);
  expect(imp.stderr).toBe('');
  expect(imp.status).toBe(0);

  const base = await layer([
    { name: 'etc/', type: 'directory' },
    { name: 'usr/lib/os-release', content: OS_RELEASE },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'usr/bin/passwd', content: 'ELF passwd', mode: 0o4755 },
  ]);
  const shared = await layer([{ name: 'usr/share/doc/base-files/README', content: 'shared second layer\n' }]);
  const topA = await layer([
    { name: 'var/lib/dpkg/status', content: STATUS_A },
    { name: 'usr/bin/chage', content: 'ELF chage', mode: 0o2755 },
    { name: 'srv/data.txt', content: 'data\n', mode: 0o644 },
  ]);
  topB = await layer([
    { name: 'var/lib/dpkg/status', content: STATUS_B },
    { name: 'usr/local/bin/helper', content: 'ELF helper', mode: 0o4755 },
    { name: 'srv/data.txt', content: 'data\n', mode: 0o666 },
    { name: 'var/cache/app/', type: 'directory', mode: 0o1777 },
  ]);
  const npmB = await layer([
    {
      name: 'app/node_modules/semver/package.json',
      content: JSON.stringify({ name: 'semver', version: '7.5.1', license: 'ISC' }),
    },
  ]);
  refA = writeOciLayout(join(work, 'a'), {
    tag: 'v1',
    layers: [base, shared, topA],
    config: {
      config: {
        Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'APP_MODE=prod'],
        ExposedPorts: { '8080/tcp': {} },
        Entrypoint: ['/usr/bin/app'],
        Cmd: ['serve'],
        Labels: { version: '1.0', 'org.opencontainers.image.title': 'demo' },
      },
    },
  });
  refB = writeOciLayout(join(work, 'b'), {
    tag: 'v2',
    layers: [base, shared, topB, npmB],
    config: {
      config: {
        User: 'app',
        Env: [
          'PATH=/usr/local/bin:/usr/bin:/bin',
          'APP_MODE=prod',
          'API_TOKEN=tok-do-not-print',
          'DATABASE_URL=postgres://app:hunter2@db/app',
        ],
        ExposedPorts: { '8443/tcp': {} },
        Entrypoint: ['/usr/bin/app', '--tls'],
        Cmd: ['serve'],
        Labels: { version: '1.1', 'org.opencontainers.image.title': 'demo' },
      },
    },
  });
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('diff of two built images', () => {
  let doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('JSON: packages, vulnerabilities, files and config, valid against the schema', () => {
    const r = cli(['diff', refA, refB, '--format', 'json', '--data-dir', dataDir, '--no-cache', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    doc = JSON.parse(r.stdout);
    expect(validateDiffReport(doc).errors).toEqual([]);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      kind: 'portcullis-diff',
      before: { reference: refA, layers: 3 },
      after: { reference: refB, layers: 4 },
    });

    const pk = doc.packages.map(
      (p: {
        change: string;
        type: string;
        name: string;
        before?: { version: string };
        after?: { version: string };
      }) => `${p.change} ${p.type}/${p.name} ${p.before?.version ?? '-'} ${p.after?.version ?? '-'}`,
    );
    expect(pk).toEqual([
      'added deb/curl - 7.88.1-10+deb12u3',
      'added npm/semver - 7.5.1',
      'removed deb/gzip 1.12-1 -',
      'upgraded deb/libc6 2.36-9+deb12u2 2.36-9+deb12u3',
      'upgraded deb/tar 1.34+dfsg-1.2 1.34+dfsg-1.2+deb12u1',
    ]);
    expect(doc.packages[1].after).toMatchObject({
      location: '/app/node_modules/semver/package.json',
      purl: 'pkg:npm/semver@7.5.1',
    });

    // By hand, from src/vulndb/testdata: curl < 7.88.1-10+deb12u4 has CVE-2023-38545 (DSA-5523-1);
    // semver 7.0.0..7.5.2 has GHSA-c2qf-rxjj-qqgw (CVE-2022-25883); glibc < 2.36-9+deb12u3 has
    // CVE-2023-4911 (DSA-5514-1); tar's CVE-2005-2541 is open in bookworm, so it stays.
    expect(doc.vulnerabilities).toMatchObject({ status: 'matched', complete: true, notes: [] });
    const vu = doc.vulnerabilities.changes.map(
      (v: {
        change: string;
        packageName: string;
        id: string;
        before: { installedVersions: string[] };
        after: { installedVersions: string[] };
      }) =>
        `${v.change} ${v.packageName} ${v.id} ${v.before.installedVersions.join(',')} → ${v.after.installedVersions.join(',')}`,
    );
    expect(vu).toEqual([
      'introduced curl CVE-2023-38545  → 7.88.1-10+deb12u3',
      'introduced semver CVE-2022-25883  → 7.5.1',
      'fixed libc6 CVE-2023-4911 2.36-9+deb12u2 → 2.36-9+deb12u3',
      'persistent tar CVE-2005-2541 1.34+dfsg-1.2 → 1.34+dfsg-1.2+deb12u1',
    ]);
    const semver = doc.vulnerabilities.changes[1];
    expect(semver).toMatchObject({
      aliases: ['GHSA-c2qf-rxjj-qqgw'],
      fixedVersions: ['7.5.2'],
      severity: { severity: 'MEDIUM', score: 5.3 },
    });
    expect(doc.summary.vulnerabilities).toEqual({ introduced: 2, fixed: 1, persistent: 1 });

    // Each path names the layer that brought it: the helper came with B's third layer.
    expect(doc.files.find((f: { path: string }) => f.path === '/usr/local/bin/helper').layerDiffId).toBe(
      sha256(topB.tar!),
    );
    expect(
      doc.files.map(
        (f: {
          change: string;
          path: string;
          flags: string[];
          mode: string;
          sticky?: boolean;
          otherMode?: string;
        }) =>
          `${f.change} ${f.path} ${f.flags.join(',')} ${f.mode}${f.otherMode ? ' was ' + f.otherMode : ''}${f.sticky ? ' sticky' : ''}`,
      ),
    ).toEqual([
      'added /srv/data.txt world-writable 0666 was 0644',
      'removed /usr/bin/chage setgid 2755',
      'added /usr/local/bin/helper setuid 4755',
      'added /var/cache/app world-writable 1777 sticky',
    ]);
    expect(doc.summary.files).toEqual({ added: 3, removed: 1, risky: 2 });

    expect(doc.config).toEqual({
      user: { after: 'app' },
      entrypoint: { before: ['/usr/bin/app'], after: ['/usr/bin/app', '--tls'] },
      env: {
        added: [
          { key: 'API_TOKEN', value: '<redacted>', redacted: true },
          { key: 'DATABASE_URL', value: '<redacted>', redacted: true },
        ],
        removed: [],
        changed: [],
      },
      labels: { added: [], removed: [], changed: [{ key: 'version', before: '1.0', after: '1.1' }] },
      exposedPorts: { added: ['8443/tcp'], removed: ['8080/tcp'] },
      layers: { before: 3, after: 4, shared: 2 },
    });
    expect(r.stdout).not.toMatch(/tok-do-not-print|hunter2/);
  });

  it('table: every section and the summary line', () => {
    const r = cli(['diff', refA, refB, '--data-dir', dataDir, '--no-cache', '-q']);
    expect(r.status).toBe(0);
    const t = r.stdout;
    expect(t).toMatch(/^layers: 3 → 4 \(2 shared base layers\)/m);
    expect(t).toMatch(
      /^UPGRADED\s+deb\s+tar\s+1\.34\+dfsg-1\.2\s+1\.34\+dfsg-1\.2\+deb12u1\s+\/var\/lib\/dpkg\/status$/m,
    );
    expect(t).toMatch(/^REMOVED\s+deb\s+gzip\s+1\.12-1\s+\/var\/lib\/dpkg\/status$/m);
    expect(t).toMatch(/^ADDED\s+npm\s+semver\s+7\.5\.1\s+\/app\/node_modules\/semver\/package\.json$/m);
    expect(t).toMatch(
      /^INTRODUCED\s+CVE-2023-38545\s+\S+\s+curl\s+7\.88\.1-10\+deb12u3\s+7\.88\.1-10\+deb12u4$/m,
    );
    expect(t).toMatch(
      /^FIXED\s+CVE-2023-4911\s+\S+\s+libc6\s+2\.36-9\+deb12u2 → 2\.36-9\+deb12u3\s+2\.36-9\+deb12u3$/m,
    );
    expect(t).toContain('1 vulnerability present in both');
    expect(t).toMatch(/^ADDED\s+setuid\s+4755\s+0:0\s+\/usr\/local\/bin\/helper$/m);
    expect(t).toContain('user: (unset) → app');
    expect(t).toContain('env added: API_TOKEN=<redacted>');
    expect(t).not.toMatch(/tok-do-not-print|hunter2/);
    expect(t.trimEnd().split('\n').at(-1)).toBe(
      'Summary: packages 2 added, 1 removed, 2 upgraded, 0 downgraded, 0 changed; vulnerabilities 2 introduced, 1 fixed; files 3 added, 1 removed; config 7 changes',
    );
  });

  it('--exit-code: N when the after image introduces vulnerabilities or risky files, 0 otherwise', () => {
    const base = [
      '--data-dir',
      dataDir,
      '--no-cache',
      '-q',
      '-o',
      join(work, 'out.json'),
      '--format',
      'json',
    ];
    expect(cli(['diff', refA, refB, ...base, '--exit-code', '4']).status).toBe(4);
    // Without advisories the new setuid helper and the world-writable file alone count.
    expect(cli(['diff', refA, refB, '--no-vuln', '--no-cache', '-q', '--exit-code', '4']).status).toBe(4);
    expect(JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')).kind).toBe('portcullis-diff');
    const same = cli(['diff', refB, refB, '--data-dir', dataDir, '--no-cache', '-q', '--exit-code', '4']);
    expect(same.status).toBe(0);
    expect(same.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Summary: packages 0 added, 0 removed, 0 upgraded, 0 downgraded, 0 changed; vulnerabilities 0 introduced, 0 fixed; files 0 added, 0 removed; config 0 changes',
    );
    // --severity narrows what is compared: only the CRITICAL/HIGH ones would count, and there are none rated so.
    const high = cli([
      'diff',
      refA,
      refB,
      '--data-dir',
      dataDir,
      '--no-cache',
      '-q',
      '--format',
      'json',
      '--severity',
      'CRITICAL,HIGH',
    ]);
    expect(JSON.parse(high.stdout).vulnerabilities.changes.map((v: { id: string }) => v.id)).not.toContain(
      'CVE-2022-25883',
    );
  });

  it('--no-vuln: no database, the section says so', () => {
    const r = cli(['diff', refA, refB, '--no-vuln', '--no-cache', '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('not checked (--no-vuln)');
    expect(r.stdout).toContain('vulnerabilities not checked;');
  });

  it('a store without data for the distro says so instead of "0 vulnerabilities"', () => {
    const empty = join(work, 'empty-db');
    const r = cli(['diff', refA, refB, '--data-dir', empty, '--no-cache', '-q']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^note \(before\): No advisory data for debian bookworm/m);
    expect(r.stdout).toMatch(/^note \(after\): No advisory data for debian bookworm/m);
    expect(r.stdout).toContain('(incomplete: see notes)');
    const j = JSON.parse(
      cli(['diff', refA, refB, '--data-dir', empty, '--no-cache', '-q', '--format', 'json']).stdout,
    );
    expect(j.vulnerabilities.complete).toBe(false);
  });

  it('rootfs: and dir: directories', () => {
    const mk = (name: string, status: string, setuid: boolean) => {
      const root = join(work, name);
      mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
      mkdirSync(join(root, 'etc'), { recursive: true });
      mkdirSync(join(root, 'usr/bin'), { recursive: true });
      writeFileSync(join(root, 'etc/os-release'), OS_RELEASE);
      writeFileSync(join(root, 'var/lib/dpkg/status'), status);
      writeFileSync(join(root, 'usr/bin/tool'), 'tool');
      chmodSync(join(root, 'usr/bin/tool'), setuid ? 0o4755 : 0o755);
      return root;
    };
    const a = mk('root-a', STATUS_A, false);
    const b = mk('root-b', STATUS_B, true);
    const r = cli(['diff', `rootfs:${a}`, `dir:${b}`, '--no-vuln', '-q', '--format', 'json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(validateDiffReport(j).errors).toEqual([]);
    expect(j.before.transport).toBe('rootfs');
    expect(j.summary.packages).toEqual({ added: 1, removed: 1, upgraded: 2, downgraded: 0, changed: 0 });
    expect(j.files).toEqual([
      {
        change: 'added',
        path: '/usr/bin/tool',
        type: 'file',
        flags: ['setuid'],
        mode: '4755',
        uid: expect.any(Number),
        gid: expect.any(Number),
        otherMode: '0755',
      },
    ]);
    expect(j.config.layers).toEqual({ before: 0, after: 0, shared: 0 });
  });

  it('bad input: exit 2 with a stable code', () => {
    const missing = cli(['diff', `oci:${join(work, 'nope')}:x`, refB, '--no-vuln', '-q']);
    expect(missing).toFailWith('FILE_NOT_FOUND', { naming: `"${join(work, 'nope')}"` });
    const code = cli(['diff', refA, refB, '--no-vuln', '--exit-code', 'x']);
    expect(code).toFailWith('USAGE', { naming: ['--exit-code', '"x"'] });
    expect(cli(['diff', refA, refB, '--format', 'xml']).status).toBe(2);
    expect(cli(['diff', refA]).status).toBe(2);
  });
});

describe('diff of the real fixture images', () => {
  it('l4 → app: exactly the removals the build made, config added, base layers shared', () => {
    const layout = fx.ociLayout;
    const r = cli([
      'diff',
      `oci:${layout}:l4`,
      `oci:${layout}:app`,
      '--format',
      'json',
      '--data-dir',
      dataDir,
      '-q',
      '--exit-code',
      '3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(validateDiffReport(j).errors).toEqual([]);
    const removedDeb = readFileSync(fx.removedDpkg, 'utf8').trim();
    const removedNpm = readFileSync(fx.removedNpm, 'utf8').trim();
    // python3-yaml ships PyYAML's dist-info, so the Python package goes with it.
    expect(
      j.packages.map(
        (p: { change: string; type: string; name: string }) => `${p.change} ${p.type}/${p.name}`,
      ),
    ).toEqual([`removed deb/${removedDeb}`, `removed npm/${removedNpm}`, 'removed pypi/PyYAML']);
    expect(j.packages[1].before.location).toBe(`/app/node_modules/${removedNpm}/package.json`);
    expect(j.files).toEqual([]);
    expect(j.config.layers).toEqual({ before: 4, after: 5, shared: 4 });
    expect(j.config.entrypoint).toEqual({ after: ['/usr/local/bin/hello'] });
    expect(j.config.exposedPorts).toEqual({ added: ['8080/tcp'], removed: [] });
    expect(j.config.labels.added).toEqual([{ key: 'org.opencontainers.image.title', value: 'fixture-app' }]);
    // tar's open CVE-2005-2541 is in both; nothing introduced or fixed.
    expect(
      j.vulnerabilities.changes.map((v: { change: string; id: string }) => `${v.change} ${v.id}`),
    ).toEqual(['persistent CVE-2005-2541']);
  });
});
