/**
 * Java archives: the real jars Debian installs in /usr/share/java (oracle: `unzip` of each
 * `pom.properties` they carry), including shaded jars with several; a war and an ear built with
 * `zip` around real jars; manifest, pom.xml and file-name fallbacks; zip bombs.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  copyFileSync,
  writeFileSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortcullisError } from '../../core/errors.js';
import { runCatalogers } from '../testing.js';
import { javaArchiveCataloger, mavenPurl } from './cataloger.js';
import { nameVersionFromFile } from './file-name.js';
import { bundleLicenses, parseManifest } from './parse-manifest.js';
import { coordinatesFromPomXml, parseProperties } from './parse-pom.js';
import { isJavaArchiveName, readJavaArchive } from './read-archive.js';
import { command, describeWith, file } from '../../../test/support/oracles.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const JAVA = '/usr/share/java';
const NEEDED = ['commons-lang3.jar', 'jackson-core.jar', 'slf4j-api.jar'];
const JAVA_NEEDS = [
  file(join(JAVA, 'commons-lang3.jar'), 'libcommons-lang3-java'),
  file(join(JAVA, 'jackson-core.jar'), 'libjackson2-core-java'),
  file(join(JAVA, 'slf4j-api.jar'), 'libslf4j-java'),
  command('zip', 'zip'),
  command('unzip', 'unzip'),
];
const jars = existsSync(JAVA)
  ? readdirSync(JAVA)
      .filter((n) => n.endsWith('.jar') && !lstatSync(join(JAVA, n)).isSymbolicLink())
      .map((n) => join(JAVA, n))
  : [];

/** Every pom.properties of a jar, read by `unzip`, as `g:a@v`. */
function oracleCoordinates(jar: string): string[] {
  const names = execFileSync('unzip', ['-Z1', jar], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((n) => /^META-INF\/maven\/.+\/pom\.properties$/.test(n));
  return names
    .map((n) => {
      const text = execFileSync('unzip', ['-p', jar, n], { encoding: 'utf8' });
      const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1]?.trim();
      return `${get('groupId')}:${get('artifactId')}@${get('version')}`;
    })
    .sort();
}

const coords = (pkgs: { metadata?: Record<string, string>; version: string }[]) =>
  pkgs.map((p) => `${p.metadata!.groupId ?? 'undefined'}:${p.metadata!.artifactId}@${p.version}`).sort();

describeWith(
  JAVA_NEEDS,
  'real jars from Debian packages (libcommons-lang3-java, libslf4j-java, libjackson2-core-java, …)',
  () => {
    it.each(jars)('%s: every pom.properties `unzip` finds is a package', (jar) => {
      const r = runCatalogers([[{ path: jar.slice(1), content: readFileSync(jar) }]], [javaArchiveCataloger]);
      expect(r.unknowns).toEqual([]);
      const expected = oracleCoordinates(jar);
      const fromPom = r.packages.filter((p) => p.metadata?.source === 'pom.properties');
      expect(coords(fromPom)).toEqual(expected);
      // One package is the archive itself; the rest are contained in it.
      const mains = r.packages.filter((p) => p.metadata?.shaded !== 'true');
      if (r.packages.length > 0) expect(mains.length).toBeLessThanOrEqual(1);
      for (const p of r.packages) expect(p.metadata!.virtualPath).toBe(jar);
    });

    it.each([
      ['commons-lang3.jar', 'pkg:maven/org.apache.commons/commons-lang3@3.12.0', []],
      ['jackson-core.jar', 'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.14.1', []],
      ['slf4j-api.jar', 'pkg:maven/org.slf4j/slf4j-api@1.7.32', []],
      [
        'maven3-slf4j-provider.jar',
        'pkg:maven/org.apache.maven/maven-slf4j-provider@3.8.7',
        ['pkg:maven/org.slf4j/slf4j-simple@1.7.32'],
      ],
      [
        'wagon-http-shaded-3.5.3.jar',
        'pkg:maven/org.apache.maven.wagon/wagon-http@3.5.3',
        [
          'commons-codec/commons-codec',
          'org.apache.httpcomponents/httpclient',
          'org.apache.httpcomponents/httpcore',
          'org.apache.maven.wagon/wagon-http-shared',
        ],
      ],
    ])('%s is %s and contains %j', (file, mainPurl, contained) => {
      if (!existsSync(join(JAVA, file))) return expect.soft(file, `${file} is not installed here`).toBe('');
      const r = runCatalogers(
        [[{ path: `usr/share/java/${file}`, content: readFileSync(join(JAVA, file)) }]],
        [javaArchiveCataloger],
      );
      const main = r.packages.find((p) => p.metadata?.shaded !== 'true')!;
      expect(main.purl).toBe(mainPurl);
      const shaded = r.packages.filter((p) => p.metadata?.shaded === 'true');
      expect(shaded.map((p) => p.purl.replace(/^pkg:maven\//, '').replace(/@.*$/, '')).sort()).toEqual(
        contained.map((c) => c.replace(/^pkg:maven\//, '').replace(/@.*$/, '')).sort(),
      );
      expect([...(main.dependsOn ?? [])].sort()).toEqual(shaded.map((p) => p.id).sort());
    });
  },
);

describeWith(JAVA_NEEDS, 'a war and an ear built with `zip` around real jars', () => {
  let work = '';
  let war: Buffer;
  let ear: Buffer;
  let bomb: Buffer;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'portcullis-java-'));
    const w = join(work, 'war');
    mkdirSync(join(w, 'WEB-INF', 'lib'), { recursive: true });
    mkdirSync(join(w, 'META-INF', 'maven', 'com.example', 'shop'), { recursive: true });
    for (const n of NEEDED) copyFileSync(join(JAVA, n), join(w, 'WEB-INF', 'lib', n));
    writeFileSync(
      join(w, 'META-INF', 'maven', 'com.example', 'shop', 'pom.properties'),
      '#Generated by Maven\ngroupId=com.example\nartifactId=shop\nversion=1.0.0\n',
    );
    writeFileSync(join(w, 'WEB-INF', 'web.xml'), '<web-app/>\n');
    execFileSync('zip', ['-qr', join(work, 'shop.war'), '.'], { cwd: w });
    war = readFileSync(join(work, 'shop.war'));
    const e = join(work, 'ear');
    mkdirSync(join(e, 'META-INF'), { recursive: true });
    copyFileSync(join(work, 'shop.war'), join(e, 'shop.war'));
    writeFileSync(
      join(e, 'META-INF', 'MANIFEST.MF'),
      'Manifest-Version: 1.0\nImplementation-Title: shop-ear\nImplementation-Version: 1.0.0\nImplementation-Vendor-Id: com.example\n\n',
    );
    execFileSync('zip', ['-qr', join(work, 'shop-ear.ear'), '.'], { cwd: e });
    ear = readFileSync(join(work, 'shop-ear.ear'));
    // The bomb: a jar listing nine 64 MiB nested "jars" of zeros (about 600 KiB compressed), inside a war.
    const b = join(work, 'bomb');
    mkdirSync(join(b, 'inner'), { recursive: true });
    for (let i = 0; i < 9; i++) {
      writeFileSync(join(b, 'inner', `b${i}.jar`), '');
      truncateSync(join(b, 'inner', `b${i}.jar`), 64 * 1024 * 1024);
    }
    execFileSync('zip', ['-q1r', join(b, 'evil.jar'), '.'], { cwd: join(b, 'inner') });
    mkdirSync(join(b, 'outer', 'WEB-INF', 'lib'), { recursive: true });
    copyFileSync(join(b, 'evil.jar'), join(b, 'outer', 'WEB-INF', 'lib', 'evil.jar'));
    copyFileSync(join(JAVA, 'slf4j-api.jar'), join(b, 'outer', 'WEB-INF', 'lib', 'slf4j-api.jar'));
    execFileSync('zip', ['-q0r', join(b, 'bomb.war'), '.'], { cwd: join(b, 'outer') });
    bomb = readFileSync(join(b, 'bomb.war'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds the war and every nested jar, with virtual paths and edges', () => {
    const r = runCatalogers([[{ path: 'srv/shop.war', content: war }]], [javaArchiveCataloger]);
    expect(r.unknowns).toEqual([]);
    const byPurl = new Map(r.packages.map((p) => [p.purl, p]));
    expect([...byPurl.keys()].sort()).toEqual(
      [
        'pkg:maven/com.example/shop@1.0.0',
        'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.14.1',
        'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
        'pkg:maven/org.slf4j/slf4j-api@1.7.32',
      ].sort(),
    );
    for (const p of r.packages)
      expect(p.locations).toEqual([expect.objectContaining({ path: '/srv/shop.war' })]);
    const lang = byPurl.get('pkg:maven/org.apache.commons/commons-lang3@3.12.0')!;
    expect(lang.metadata).toMatchObject({
      virtualPath: '/srv/shop.war:WEB-INF/lib/commons-lang3.jar',
      source: 'pom.properties',
    });
    const shop = byPurl.get('pkg:maven/com.example/shop@1.0.0')!;
    expect(shop.metadata!.virtualPath).toBe('/srv/shop.war');
    expect([...shop.dependsOn!].sort()).toEqual(
      r.packages
        .filter((p) => p !== shop)
        .map((p) => p.id)
        .sort(),
    );
  });

  it('reads two levels down (ear → war → jar) and stops at the depth limit', () => {
    const r = runCatalogers([[{ path: 'opt/shop-ear.ear', content: ear }]], [javaArchiveCataloger]);
    const ids = r.packages.map((p) => `${p.purl} ${p.metadata!.virtualPath}`);
    expect(ids).toContain('pkg:maven/com.example/shop-ear@1.0.0 /opt/shop-ear.ear');
    expect(ids).toContain(
      'pkg:maven/org.slf4j/slf4j-api@1.7.32 /opt/shop-ear.ear:shop.war:WEB-INF/lib/slf4j-api.jar',
    );
    expect(r.packages.find((p) => p.name === 'com.example:shop-ear')!.metadata).toMatchObject({
      source: 'manifest',
    });
    const shallow = readJavaArchive(ear, '/opt/shop-ear.ear', { maxDepth: 1 });
    expect(shallow.packages.map((p) => p.artifactId).sort()).toEqual(['shop', 'shop-ear']);
    expect(shallow.skipped.map((s) => s.virtualPath).sort()).toEqual(
      NEEDED.map((n) => `/opt/shop-ear.ear:shop.war:WEB-INF/lib/${n}`).sort(),
    );
  });

  it('a nested zip bomb becomes an unknown, not an OOM', () => {
    const before = process.memoryUsage().rss;
    const r = runCatalogers([[{ path: 'srv/bomb.war', content: bomb }]], [javaArchiveCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns).toEqual([
      expect.objectContaining({
        path: '/srv/bomb.war',
        cataloger: 'java-archive',
        reason: expect.stringMatching(
          /^DECOMPRESSION_BOMB: \/srv\/bomb\.war expands past 536870912 bytes \(at "b\d\.jar" in \/srv\/bomb\.war:WEB-INF\/lib\/evil\.jar\)/,
        ),
      }),
    ]);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('a smaller budget stops a real archive too, with a typed error', () => {
    try {
      readJavaArchive(war, '/srv/shop.war', { maxExpandedBytes: 200_000 });
      expect.unreachable();
    } catch (err) {
      expect(isPortcullisError(err) && err.code).toBe('DECOMPRESSION_BOMB');
    }
  });
});

/** Rewrites the declared uncompressed size of every central-directory entry. */
function lieAboutSizes(zip: Uint8Array, size: number): Buffer {
  const b = Buffer.from(zip);
  for (
    let o = b.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
    o >= 0;
    o = o > 0 ? b.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'), o - 1) : -1
  )
    b.writeUInt32LE(size, o + 24);
  return b;
}

describe('synthetic archives', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const pom = (g: string, a: string, v: string) => enc(`groupId=${g}\nartifactId=${a}\nversion=${v}\n`);

  it('falls back to MANIFEST.MF (continuations, CRLF, main section only, Bundle-License), then to the file name', () => {
    const r = runCatalogers(
      [
        [
          {
            path: 'a/toolkit.jar',
            content: Buffer.from(
              zipSync({ 'META-INF/MANIFEST.MF': readFileSync(join(TESTDATA, 'MANIFEST.MF')) }),
            ),
          },
          { path: 'a/plain-lib-1.4.2.jar', content: Buffer.from(zipSync({ 'x.class': new Uint8Array(4) })) },
          { path: 'a/noversion.jar', content: Buffer.from(zipSync({ 'x.class': new Uint8Array(4) })) },
        ],
      ],
      [javaArchiveCataloger],
    );
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:maven/org.widgets/toolkit@3.1.0',
      'pkg:maven/plain-lib/plain-lib@1.4.2',
    ]);
    expect(r.packages.find((p) => p.name === 'org.widgets:toolkit')).toMatchObject({
      licenses: ['Apache-2.0', 'MIT'],
      metadata: { source: 'manifest', title: 'toolkit', vendor: 'Widgets Inc.' },
    });
    expect(r.packages.find((p) => p.version === '1.4.2')!.metadata).toMatchObject({
      source: 'filename',
      groupIdGuessed: 'true',
    });
  });

  it('uses pom.xml when there is no pom.properties', () => {
    const jar = zipSync({
      'META-INF/maven/org.example.parent/example-core/pom.xml': readFileSync(join(TESTDATA, 'pom.xml')),
    });
    const r = runCatalogers(
      [[{ path: 'lib/example-core-2.4.1.jar', content: Buffer.from(jar) }]],
      [javaArchiveCataloger],
    );
    expect(r.packages).toEqual([
      expect.objectContaining({
        purl: 'pkg:maven/org.example.parent/example-core@2.4.1',
        licenses: ['Apache-2.0'],
        metadata: expect.objectContaining({ source: 'pom.xml' }),
      }),
    ]);
  });

  it('a shaded jar whose name matches none of its poms: the manifest describes it, all poms are contained', () => {
    const mf = enc(
      'Manifest-Version: 1.0\nImplementation-Title: uber\nImplementation-Version: 5.0\nImplementation-Vendor-Id: com.acme\n\n',
    );
    const jar = zipSync({
      'META-INF/MANIFEST.MF': mf,
      'META-INF/maven/a/x/pom.properties': pom('a', 'x', '1'),
      'META-INF/maven/b/y/pom.properties': pom('b', 'y', '2'),
    });
    const r = runCatalogers([[{ path: 'app/uber.jar', content: Buffer.from(jar) }]], [javaArchiveCataloger]);
    const main = r.packages.find((p) => p.purl === 'pkg:maven/com.acme/uber@5.0')!;
    expect(main).toBeDefined();
    expect(
      r.packages
        .filter((p) => p.metadata?.shaded === 'true')
        .map((p) => p.purl)
        .sort(),
    ).toEqual(['pkg:maven/a/x@1', 'pkg:maven/b/y@2']);
    expect(main.dependsOn).toHaveLength(2);
  });

  it('a damaged nested jar is noted on the outer package; a damaged outer archive is an unknown', () => {
    const war = zipSync({
      'META-INF/maven/c/app/pom.properties': pom('c', 'app', '1.0'),
      'WEB-INF/lib/broken.jar': enc('PK\u0003\u0004 not really'),
    });
    const r = runCatalogers(
      [
        [
          { path: 'app.war', content: Buffer.from(war) },
          { path: 'bad.jar', content: Buffer.from('PK\u0003\u0004garbage') },
        ],
      ],
      [javaArchiveCataloger],
    );
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:maven/c/app@1.0']);
    expect(r.packages[0]!.metadata!.unreadableNested).toMatch(
      /^\/app\.war:WEB-INF\/lib\/broken\.jar: Cannot read/,
    );
    expect(r.unknowns).toEqual([
      expect.objectContaining({
        path: '/bad.jar',
        cataloger: 'java-archive',
        reason: expect.stringMatching(/^Cannot read \/bad\.jar as a zip archive/),
      }),
    ]);
  });

  it('entries that lie about their size are charged what they claim, before decompression', () => {
    const inner = zipSync({ 'META-INF/maven/g/a/pom.properties': pom('g', 'a', '1') }, { level: 0 });
    const lying = lieAboutSizes(zipSync({ 'lib/a.jar': inner }, { level: 0 }), 0x7fff_ffff);
    const r = runCatalogers([[{ path: 'lying.war', content: lying }]], [javaArchiveCataloger]);
    expect(r.unknowns).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^DECOMPRESSION_BOMB: /) }),
    ]);
    // A deflated entry claiming far less than its compressed size is rejected as damaged.
    const understated = lieAboutSizes(
      zipSync({ 'lib/a.jar': new Uint8Array(crypto.getRandomValues(new Uint8Array(60_000))) }, { level: 6 }),
      10,
    );
    expect(() => readJavaArchive(understated, '/u.war')).toThrowCode('ARCHIVE_INVALID', '"lib/a.jar"');
  });
});

describe('parsers', () => {
  it('manifest: main section only, case-insensitive names, continuation lines', () => {
    const m = parseManifest(readFileSync(join(TESTDATA, 'MANIFEST.MF'), 'utf8'));
    expect(m.get('implementation-version')).toBe('3.1.0');
    expect(m.get('export-package')).toBe(
      'org.widgets.toolkit;version="3.1.0",org.widgets.toolkit.impl;version="3.1.0"',
    );
    expect(m.get('bundle-symbolicname')).toBe('org.widgets.toolkit;singleton:=true');
  });

  it.each([
    ['Apache-2.0', ['Apache-2.0']],
    ['https://www.apache.org/licenses/LICENSE-2.0.txt', ['Apache-2.0']],
    [
      '"http://www.eclipse.org/legal/epl-2.0";description="EPL 2.0", https://opensource.org/licenses/MIT',
      ['EPL-2.0', 'MIT'],
    ],
    ['<<EXTERNAL>>', []],
    ['https://example.com/custom-license', ['https://example.com/custom-license']],
  ])('Bundle-License %j → %j', (header, want) => expect(bundleLicenses(header)).toEqual(want));

  it('properties: separators, comments, escapes, continuations', () => {
    expect(parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd=x\\\n   y\ne=\\u0041\\t\n')).toEqual({
      a: '1',
      b: '2',
      c: '3',
      d: 'xy',
      e: 'A\t',
    });
  });

  it('pom.xml: parent inheritance and property resolution; unresolvable is undefined', () => {
    expect(coordinatesFromPomXml(readFileSync(join(TESTDATA, 'pom.xml'), 'utf8'))).toEqual({
      groupId: 'org.example.parent',
      artifactId: 'example-core',
      version: '2.4.1',
      licenses: ['The Apache Software License, Version 2.0'],
      name: 'Example & Core',
    });
    expect(
      coordinatesFromPomXml('<project><artifactId>x</artifactId><version>${nope}</version></project>'),
    ).toBeUndefined();
  });

  it.each([
    ['/x/jackson-core-2.14.1.jar', 'jackson-core', '2.14.1'],
    ['guava-31.1-jre.jar', 'guava', '31.1-jre'],
    ['log4j-1.2-api-2.19.0.jar', 'log4j-1.2-api', '2.19.0'],
    ['spring-core-5.3.20.RELEASE.jar', 'spring-core', '5.3.20.RELEASE'],
    ['netty-all-4.1.86.Final.jar', 'netty-all', '4.1.86.Final'],
    ['app-3.0.0-SNAPSHOT.war', 'app', '3.0.0-SNAPSHOT'],
    ['commons-lang3.jar', 'commons-lang3', undefined],
    ['jsr305-0.1~+svn49.jar', 'jsr305-0.1~+svn49', undefined],
  ])('file name %s → %s %s', (file, name, version) => {
    const got = nameVersionFromFile(file);
    expect([got.name, got.version]).toEqual([name, version]);
  });

  it.each([
    ['a/b.jar', true],
    ['a/B.WAR', true],
    ['x.hpi', true],
    ['x.kar', true],
    ['a/.jar', false],
    ['a/jar', false],
    ['a/x.jar/README', false],
    ['x.zip', false],
    ['x.rar', false],
  ])('isJavaArchiveName(%s) = %s', (p, want) => expect(isJavaArchiveName(p)).toBe(want));

  it('purls follow the maven type', () => {
    expect(mavenPurl('org.apache.commons', 'commons-lang3', '3.12.0')).toBe(
      'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
    );
    expect(mavenPurl(undefined, 'plain-lib', '1.4.2')).toBe('pkg:maven/plain-lib/plain-lib@1.4.2');
  });
});
