/**
 * rpm cataloger against real rpm databases (testdata/make-rpmdb.sh): an rpmdb.sqlite written by
 * rpm itself from three packages built with rpmbuild (one with a header larger than an SQLite page,
 * for overflow pages), and a Berkeley DB hash `Packages` written by Berkeley DB's own db_load with
 * the same header blobs. Oracles: `rpm -qa` (sqlite and, through rpm's read-only `bdb_ro` backend,
 * the Berkeley DB file) and sql.js for the SQLite reader. The ndb `Packages.db` cannot be written
 * here (Debian's rpm is built without ndb), so it is assembled in the test after rpm's ndb layout
 * from the same real header blobs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { readBdbRpmdb, readNdbRpmdb, readSqliteRpmdb, rpmCataloger, rpmNamespace, sqliteHeaderBlobs } from './cataloger.js';
import { parseSourceRpm, type RpmHeader } from './header.js';
import { isNdb } from './ndb.js';
import { command, itWith } from '../../../test/support/oracles.js';

const SQLITE = gunzipSync(readFileSync(new URL('./testdata/rpmdb.sqlite.gz', import.meta.url)));
const BDB = gunzipSync(readFileSync(new URL('./testdata/Packages.gz', import.meta.url)));
const RPM = [command('rpm', 'rpm')];

const tmp = mkdtempSync(join(tmpdir(), 'portcullis-rpm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `rpm -qa` over a copy of a database file, sorted. */
function rpmQa(file: string, content: Buffer, format: string, backend?: string): string[] {
  const dir = mkdtempSync(join(tmp, 'db-'));
  writeFileSync(join(dir, file), content);
  const args = ['--dbpath', dir, ...(backend ? ['--define', `_db_backend ${backend}`] : []), '-qa', '--qf', format];
  return execFileSync('rpm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter(Boolean)
    .sort();
}

const FORMAT = '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}\\n';
const row = (h: RpmHeader) => [h.name, h.epoch ?? 0, h.version, h.release, h.arch, h.sourceRpm, h.license, h.vendor].join('|');

describe('sqlite rpmdb', () => {
  const headers = readSqliteRpmdb(SQLITE);

  it('reads three packages, one with a header spilling onto overflow pages', () => {
    expect(headers.map((h) => h.name)).toEqual(['pc-alpha', 'pc-beta', 'pc-gamma']);
    expect(headers[2]!.files).toHaveLength(61);
    expect(sqliteHeaderBlobs(SQLITE)[2]!.length).toBeGreaterThan(4096);
  });

  itWith(RPM, 'agrees with rpm -qa on every field', () => {
    expect(headers.map(row).sort()).toEqual(rpmQa('rpmdb.sqlite', SQLITE, FORMAT));
  });

  itWith(RPM, 'agrees with rpm on files, requires and provides', () => {
    const fmt = '%{NAME}\\t[%{FILENAMES} ]\\t[%{REQUIRENAME} ]\\t[%{PROVIDENAME} ]\\n';
    const ours = headers.map((h) => [h.name, h.files.map((f) => f + ' ').join(''), h.requires.map((f) => f + ' ').join(''), h.provides.map((f) => f + ' ').join('')].join('\t')).sort();
    expect(ours).toEqual(rpmQa('rpmdb.sqlite', SQLITE, fmt));
  });

  it('reads the same blobs as SQLite itself (sql.js)', async () => {
    const require = createRequire(import.meta.url);
    const initSqlJs = require('sql.js') as (cfg?: object) => Promise<{ Database: new (b: Uint8Array) => { exec(sql: string): { values: unknown[][] }[] } }>;
    const SQL = await initSqlJs();
    const rows = new SQL.Database(SQLITE).exec('SELECT blob FROM Packages ORDER BY hnum')[0]!.values;
    expect(sqliteHeaderBlobs(SQLITE).map((b) => b.toString('hex'))).toEqual(rows.map((r) => Buffer.from(r[0] as Uint8Array).toString('hex')));
  });
});

describe('Berkeley DB rpmdb (Packages)', () => {
  it('holds the same packages as the sqlite database', () => {
    const fromBdb = readBdbRpmdb(BDB).map(row).sort();
    expect(fromBdb).toEqual(readSqliteRpmdb(SQLITE).map(row).sort());
    expect(readBdbRpmdb(BDB).find((h) => h.name === 'pc-gamma')!.files).toHaveLength(61);
  });

  itWith(RPM, "agrees with rpm -qa through rpm's own bdb_ro backend", () => {
    expect(readBdbRpmdb(BDB).map(row).sort()).toEqual(rpmQa('Packages', BDB, FORMAT, 'bdb_ro'));
  });
});

/** Writes an ndb Packages.db after rpm's layout (lib/backend/ndb/rpmpkg.c), for the blobs given. */
function writeNdb(blobs: { pkgIdx: number; blob: Buffer }[], freeSlotsFirst = 1): Buffer {
  const PAGE = 4096;
  const parts: Buffer[] = [];
  const slotArea = Buffer.alloc(PAGE);
  slotArea.write('RpmP', 0, 'latin1');
  slotArea.writeUInt32LE(0, 4);
  slotArea.writeUInt32LE(7, 8); // generation
  slotArea.writeUInt32LE(1, 12); // one slot page
  slotArea.writeUInt32LE(Math.max(...blobs.map((b) => b.pkgIdx)) + 1, 16);
  for (let o = 32; o < PAGE; o += 16) slotArea.write('Slot', o, 'latin1');
  parts.push(slotArea);
  let blk = PAGE / 16;
  let slot = 2 + freeSlotsFirst; // leave free slots before the used ones, as deletions do
  for (const { pkgIdx, blob } of blobs) {
    const cnt = Math.ceil((16 + blob.length + 12) / 16);
    const area = Buffer.alloc(cnt * 16);
    area.write('BlbS', 0, 'latin1');
    area.writeUInt32LE(pkgIdx, 4);
    area.writeUInt32LE(1700000000, 8);
    area.writeUInt32LE(blob.length, 12);
    blob.copy(area, 16);
    area.writeUInt32LE(adler32(area.subarray(0, area.length - 12)), area.length - 12);
    area.writeUInt32LE(blob.length, area.length - 8);
    area.write('BlbE', area.length - 4, 'latin1');
    slotArea.writeUInt32LE(pkgIdx, slot * 16 + 4);
    slotArea.writeUInt32LE(blk, slot * 16 + 8);
    slotArea.writeUInt32LE(cnt, slot * 16 + 12);
    parts.push(area);
    blk += cnt;
    slot++;
  }
  return Buffer.concat(parts);
}

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

describe('ndb rpmdb (Packages.db)', () => {
  const blobs = sqliteHeaderBlobs(SQLITE);
  // stored out of index order, as rpm does after updates
  const ndb = writeNdb([
    { pkgIdx: 3, blob: blobs[2]! },
    { pkgIdx: 1, blob: blobs[0]! },
    { pkgIdx: 2, blob: blobs[1]! },
  ]);

  it('reads every package in index order', () => {
    expect(isNdb(ndb)).toBe(true);
    expect(readNdbRpmdb(ndb).map(row)).toEqual(readSqliteRpmdb(SQLITE).map(row));
  });

  it.each([
    ['bad magic', (b: Buffer) => b.write('XpmP', 0, 'latin1'), /bad magic/],
    ['bad slot magic', (b: Buffer) => b.write('Xlot', 48, 'latin1'), /bad ndb slot/],
    ['slot pointing past the end', (b: Buffer) => b.writeUInt32LE(0xffffff, 3 * 16 + 8), /bad ndb slot/],
    ['blob of another package', (b: Buffer) => b.writeUInt32LE(9, 4096 + 4), /blob head/],
    ['blob length disagreeing with its tail', (b: Buffer) => b.writeUInt32LE(b.readUInt32LE(4096 + 12) + 1, 4096 + 12), /blob length|blob tail/],
  ])('rejects a file with %s', (_name, corrupt, message) => {
    const b = Buffer.from(ndb);
    corrupt(b);
    expect(() => readNdbRpmdb(b)).toThrow(message);
  });
});

describe('assembly', () => {
  const rocky = { path: 'etc/os-release', content: 'ID="rocky"\nVERSION_ID="9.3"\nID_LIKE="rhel centos fedora"\n' };

  it('purls with namespace, epoch and distro; sources, licenses, vendor; edges through Provides and file requires', () => {
    const r = runCatalogers([[rocky, { path: 'var/lib/rpm/rpmdb.sqlite', content: SQLITE }]], [rpmCataloger]);
    expect(r.unknowns).toEqual([]);
    const by = (n: string) => r.packages.find((p) => p.name === n)!;
    expect(r.packages.map((p) => `${p.name} ${p.version} ${p.purl}`)).toEqual([
      'pc-alpha 1.2.3-5.fc39 pkg:rpm/rocky/pc-alpha@1.2.3-5.fc39?arch=x86_64&distro=rocky-9.3',
      'pc-beta 2:1.2.4-5.fc39 pkg:rpm/rocky/pc-beta@1.2.4-5.fc39?arch=x86_64&distro=rocky-9.3&epoch=2',
      'pc-gamma 3.0-1.el9 pkg:rpm/rocky/pc-gamma@3.0-1.el9?arch=x86_64&distro=rocky-9.3',
    ]);
    expect(by('pc-beta').source).toEqual({ name: 'pc-beta', version: '1.2.4-5.fc39' });
    expect(by('pc-beta').dependsOn).toEqual([by('pc-alpha').id]);
    expect(by('pc-alpha').licenses).toEqual(['MIT AND (Apache-2.0 OR BSD-3-Clause)']);
    expect(by('pc-alpha').metadata).toEqual({ vendor: 'Portcullis Test' });
    expect(by('pc-alpha').files).toEqual(['/usr/bin/pc-alpha', '/usr/share/a/f']);
    expect(by('pc-alpha').arch).toBe('x86_64');
  });

  it.each([
    ['rhel', 'redhat'],
    ['centos', 'centos'],
    ['fedora', 'fedora'],
    ['almalinux', 'almalinux'],
    ['amzn', 'amzn'],
    ['opensuse-leap', 'opensuse'],
    ['sles', 'suse'],
    [undefined, 'redhat'],
  ])('namespace for os id %s is %s', (id, ns) => {
    expect(rpmNamespace(id)).toBe(ns);
  });

  it('each database format at each rpm location', () => {
    const ndb = writeNdb(sqliteHeaderBlobs(SQLITE).map((blob, i) => ({ pkgIdx: i + 1, blob })));
    for (const [path, content] of [
      ['var/lib/rpm/Packages', BDB],
      ['usr/lib/sysimage/rpm/rpmdb.sqlite', SQLITE],
      ['usr/lib/sysimage/rpm/Packages.db', ndb],
    ] as const) {
      const r = runCatalogers([[{ path: 'etc/os-release', content: 'ID="rhel"\nVERSION_ID="8.9"\n' }, { path, content }]], [rpmCataloger]);
      expect(r.packages.map((p) => p.purl).sort()[0], path).toBe('pkg:rpm/redhat/pc-alpha@1.2.3-5.fc39?arch=x86_64&distro=rhel-8.9');
      expect(r.packages.every((p) => p.locations[0]!.path === '/' + path)).toBe(true);
    }
  });

  it('attributes packages to the lowest layer with the same version, and honours whiteouts', () => {
    // Layer 1 rewrites the database with pc-beta's header missing: pc-beta comes back in layer 2.
    const blobs = sqliteHeaderBlobs(SQLITE);
    const without = writeNdb([{ pkgIdx: 1, blob: blobs[0]! }, { pkgIdx: 3, blob: blobs[2]! }]);
    const all = writeNdb(blobs.map((blob, i) => ({ pkgIdx: i + 1, blob })));
    const P = 'usr/lib/sysimage/rpm/Packages.db';
    const r = runCatalogers([[{ path: P, content: all }], [{ path: P, content: without }], [{ path: P, content: all }]], [rpmCataloger]);
    const layer = (n: string) => r.packages.find((p) => p.name === n)!.locations[0]!.layerDiffId!.slice(-1);
    expect([layer('pc-alpha'), layer('pc-beta'), layer('pc-gamma')]).toEqual(['0', '2', '0']);
    const gone = runCatalogers([[{ path: P, content: all }], [{ path: 'usr/lib/sysimage/rpm', whiteout: true }]], [rpmCataloger]);
    expect(gone.packages).toEqual([]);
  });

  it('corrupt databases are unknowns, not failures', () => {
    const r = runCatalogers(
      [
        [
          { path: 'var/lib/rpm/rpmdb.sqlite', content: SQLITE.subarray(0, 5000) },
          { path: 'var/lib/rpm/Packages', content: Buffer.alloc(4096, 1) },
          { path: 'usr/lib/sysimage/rpm/Packages.db', content: 'x' },
        ],
      ],
      [rpmCataloger],
    );
    expect(r.packages).toEqual([]);
    expect(r.unknowns.map((u) => u.path).sort()).toEqual(['/usr/lib/sysimage/rpm/Packages.db', '/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite']);
  });

  it.each([
    ['var/lib/rpm/rpmdb.sqlite', true],
    ['var/lib/rpm/Packages', true],
    ['usr/lib/sysimage/rpm/Packages.db', true],
    ['usr/share/rpm/Packages', true],
    ['var/lib/rpm/Name', false],
    ['var/lib/rpm/rpmdb.sqlite-wal', false],
    ['opt/x/var/lib/rpm/Packages', false],
    ['srv/Packages', false],
  ])('wants(%s) = %s', (path, wanted) => {
    expect(rpmCataloger.wants({ path, size: 10, mode: 0o100644 })).toBe(wanted);
  });

  it.each([
    ['openssl-3.0.7-24.el9.src.rpm', { name: 'openssl', version: '3.0.7-24.el9' }],
    ['python3.11-pip-22.3.1-4.el9.src.rpm', { name: 'python3.11-pip', version: '22.3.1-4.el9' }],
    ['kernel-5.14.0-362.8.1.el9_3.nosrc.rpm', { name: 'kernel', version: '5.14.0-362.8.1.el9_3' }],
    ['not-a-source-rpm', undefined],
  ])('parseSourceRpm(%s)', (s, expected) => {
    expect(parseSourceRpm(s)).toEqual(expected);
  });
});

