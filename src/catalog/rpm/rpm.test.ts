/**
 * rpm catalogers against a real sqlite rpmdb written by rpm itself: packages built with rpmbuild
 * in the test (one with a header large enough for SQLite overflow pages), installed with
 * `rpm --justdb`, and compared with `rpm -qa`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { readSqliteRpmdb, rpmCataloger } from './cataloger.js';
import { parseSourceRpm } from './header.js';

let top: string;
let dbFile: string;

function spec(name: string, version: string, release: string, extra: string, install: string, files: string): string {
  return `Name: ${name}\nVersion: ${version}\nRelease: ${release}\nSummary: test\nLicense: MIT AND (Apache-2.0 OR BSD-3-Clause)\nBuildArch: x86_64\n${extra}\n%description\ntest\n%install\n${install}\n%files\n${files}\n`;
}

beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'portcullis-rpm-'));
  for (const d of ['SPECS', 'BUILD', 'RPMS', 'SOURCES', 'SRPMS', 'db']) mkdirSync(join(top, d));
  writeFileSync(join(top, 'SPECS/a.spec'), spec('pc-alpha', '1.2.3', '5.fc39', 'Provides: alpha-capability', 'mkdir -p %{buildroot}/usr/share/a && echo a > %{buildroot}/usr/share/a/f', '/usr/share/a/f'));
  writeFileSync(join(top, 'SPECS/b.spec'), spec('pc-beta', '1.2.4', '5.fc39', 'Epoch: 2\nRequires: alpha-capability', 'mkdir -p %{buildroot}/usr/share/b && echo b > %{buildroot}/usr/share/b/f', '/usr/share/b/f'));
  writeFileSync(join(top, 'SPECS/c.spec'), spec('pc-gamma', '3.0', '1.el9', '', 'mkdir -p %{buildroot}/usr/share/c && for i in $(seq 1 400); do echo $i > %{buildroot}/usr/share/c/file-number-$i.txt; done', '/usr/share/c'));
  for (const s of ['a', 'b', 'c']) execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', join(top, 'SPECS', `${s}.spec`)], { stdio: 'ignore' });
  const rpms = readdirSync(join(top, 'RPMS/x86_64')).map((f) => join(top, 'RPMS/x86_64', f));
  const db = join(top, 'db');
  execFileSync('rpm', ['--dbpath', db, '--initdb'], { stdio: 'ignore' });
  execFileSync('rpm', ['--dbpath', db, '-i', '--nodeps', '--justdb', '--ignorearch', '--noscripts', ...rpms], { stdio: 'ignore' });
  execFileSync('sqlite3', [join(db, 'rpmdb.sqlite'), 'PRAGMA wal_checkpoint(TRUNCATE);'], { stdio: 'ignore' });
  dbFile = join(db, 'rpmdb.sqlite');
}, 120_000);

afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('sqlite rpmdb', () => {
  it('lists what rpm -qa lists, with epochs, source rpms, licenses and files', () => {
    const oracle = execFileSync('rpm', ['--dbpath', join(top, 'db'), '-qa', '--qf', '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    const ours = readSqliteRpmdb(readFileSync(dbFile))
      .map((h) => [h.name, h.epoch ?? 0, h.version, h.release, h.arch, h.sourceRpm, h.license].join('|'))
      .sort();
    expect(ours).toEqual(oracle);
    expect(readSqliteRpmdb(readFileSync(dbFile)).find((h) => h.name === 'pc-gamma')!.files).toHaveLength(401);
  });

  it('assembles purls with namespace, epoch and distro, and edges through Provides', () => {
    const r = runCatalogers([[{ path: 'etc/os-release', content: 'ID="rocky"\nVERSION_ID="9.3"\n' }, { path: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(dbFile) }]], [rpmCataloger]);
    const beta = r.packages.find((p) => p.name === 'pc-beta')!;
    const alpha = r.packages.find((p) => p.name === 'pc-alpha')!;
    expect(beta.version).toBe('2:1.2.4-5.fc39');
    expect(beta.purl).toBe('pkg:rpm/rocky/pc-beta@1.2.4-5.fc39?arch=x86_64&distro=rocky-9.3&epoch=2');
    expect(beta.source).toEqual({ name: 'pc-beta', version: '1.2.4-5.fc39' });
    expect(beta.dependsOn).toEqual([alpha.id]);
    expect(alpha.licenses).toEqual(['MIT AND (Apache-2.0 OR BSD-3-Clause)']);
  });

  it('a corrupt rpmdb is an unknown; Berkeley DB and ndb are reported as not read', () => {
    const bad = Buffer.from(readFileSync(dbFile).subarray(0, 5000));
    const r = runCatalogers([[{ path: 'var/lib/rpm/rpmdb.sqlite', content: bad }, { path: 'var/lib/rpm/Packages', content: 'x' }]], [rpmCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns.map((u) => u.path).sort()).toEqual(['/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite']);
    expect(r.unknowns.find((u) => u.path.endsWith('Packages'))!.reason).toMatch(/not supported/);
  });

  it('parses source rpm names', () => {
    expect(parseSourceRpm('openssl-3.0.7-24.el9.src.rpm')).toEqual({ name: 'openssl', version: '3.0.7-24.el9' });
  });
});
