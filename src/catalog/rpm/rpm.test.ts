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
import { readBdbRpmdb, readSqliteRpmdb, rpmCataloger } from './cataloger.js';
import { SqliteReader } from './sqlite.js';
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

describe('Berkeley DB rpmdb', () => {
  it('reads the same headers from a Berkeley DB hash Packages file written by db_load', () => {
    // rpm here only writes sqlite; Berkeley DB itself (db5.3_load) writes the hash database that
    // rpm 4.x used, holding the same header blobs under 4-byte instance keys, plus rpm's key-0 record.
    const headers = headerBlobs(readFileSync(dbFile));
    const hex = (b: Buffer) => ' ' + b.toString('hex');
    const key = (n: number) => {
      const k = Buffer.alloc(4);
      k.writeUInt32LE(n);
      return k;
    };
    const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', 'db_pagesize=4096', 'HEADER=END', hex(key(0)), hex(key(headers.length + 1))];
    headers.forEach((h, i) => lines.push(hex(key(i + 1)), hex(h)));
    lines.push('DATA=END', '');
    const input = join(top, 'bdb.txt');
    writeFileSync(input, lines.join('\n'));
    const out = join(top, 'Packages');
    execFileSync('db5.3_load', ['-f', input, out]);
    const fromBdb = readBdbRpmdb(readFileSync(out)).map((h) => `${h.name} ${h.epoch ?? 0}:${h.version}-${h.release}`).sort();
    const fromSqlite = readSqliteRpmdb(readFileSync(dbFile)).map((h) => `${h.name} ${h.epoch ?? 0}:${h.version}-${h.release}`).sort();
    expect(fromBdb).toEqual(fromSqlite);
    expect(readBdbRpmdb(readFileSync(out)).find((h) => h.name === 'pc-gamma')!.files).toHaveLength(401);
    const r = runCatalogers([[{ path: 'etc/os-release', content: 'ID="centos"\nVERSION_ID="7"\n' }, { path: 'var/lib/rpm/Packages', content: readFileSync(out) }]], [rpmCataloger]);
    expect(r.packages.map((p) => p.purl).sort()[0]).toBe('pkg:rpm/centos/pc-alpha@1.2.3-5.fc39?arch=x86_64&distro=centos-7');
  });
});

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

  it('a corrupt rpmdb is an unknown; ndb is reported as not read', () => {
    const bad = Buffer.from(readFileSync(dbFile).subarray(0, 5000));
    const r = runCatalogers([[{ path: 'var/lib/rpm/rpmdb.sqlite', content: bad }, { path: 'var/lib/rpm/Packages', content: Buffer.alloc(4096, 1) }, { path: 'usr/lib/sysimage/rpm/Packages.db', content: 'x' }]], [rpmCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns.map((u) => u.path).sort()).toEqual(['/usr/lib/sysimage/rpm/Packages.db', '/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite']);
    expect(r.unknowns.find((u) => u.path.endsWith('Packages.db'))!.reason).toMatch(/not supported/);
  });

  it('parses source rpm names', () => {
    expect(parseSourceRpm('openssl-3.0.7-24.el9.src.rpm')).toEqual({ name: 'openssl', version: '3.0.7-24.el9' });
  });
});

/** The raw header blobs of an rpmdb.sqlite, in instance order. */
function headerBlobs(buf: Buffer): Buffer[] {
  const db = new SqliteReader(buf);
  return [...db.rows(db.tableRoot('Packages')!)].map((row) => row.find((v): v is Buffer => Buffer.isBuffer(v))!);
}
