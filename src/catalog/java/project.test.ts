/** A Maven project's own pom.xml on disk: coordinates with parent inheritance, purls, layers. */
import { describe, expect, it } from 'vitest';
import { runCatalogers, type TestFile } from '../testing.js';
import { mavenProjectCataloger } from './project.js';

const pom = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n${inner}\n</project>\n`;
const run = (layers: TestFile[][]) => runCatalogers(layers, [mavenProjectCataloger]);
const brief = (layers: TestFile[][]) => run(layers).packages.map((p) => `${p.purl} ${p.licenses.join('|') || '-'} ${p.locations.map((l) => `${l.path}@${Number(l.layerDiffId!.slice(-2))}`).join(',')} ${JSON.stringify(p.metadata)}`);

describe('pom.xml of the project', () => {
  it.each([
    ['own coordinates', pom('  <groupId>com.example.shop</groupId>\n  <artifactId>checkout</artifactId>\n  <version>2.1.0</version>\n  <licenses><license><name>Apache License, Version 2.0</name></license></licenses>'), ['pkg:maven/com.example.shop/checkout@2.1.0 Apache-2.0 /srv/app/pom.xml@0 {"application":"true","artifactId":"checkout","groupId":"com.example.shop"}']],
    [
      'groupId and version inherited from <parent>',
      pom('  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.2.1</version>\n  </parent>\n  <artifactId>demo</artifactId>'),
      ['pkg:maven/org.springframework.boot/demo@3.2.1 - /srv/app/pom.xml@0 {"application":"true","artifactId":"demo","groupId":"org.springframework.boot"}'],
    ],
    ['version from <properties> (${revision})', pom('  <groupId>io.acme</groupId>\n  <artifactId>api</artifactId>\n  <version>${revision}</version>\n  <properties><revision>1.4.0</revision></properties>'), ['pkg:maven/io.acme/api@1.4.0 - /srv/app/pom.xml@0 {"application":"true","artifactId":"api","groupId":"io.acme"}']],
    ['${project.parent.version}', pom('  <parent><groupId>io.acme</groupId><artifactId>parent</artifactId><version>7</version></parent>\n  <groupId>io.acme.x</groupId>\n  <artifactId>mod</artifactId>\n  <version>${project.parent.version}</version>'), ['pkg:maven/io.acme.x/mod@7 - /srv/app/pom.xml@0 {"application":"true","artifactId":"mod","groupId":"io.acme.x"}']],
    ['a version set only on the command line: not reported', pom('  <groupId>io.acme</groupId>\n  <artifactId>api</artifactId>\n  <version>${revision}</version>'), []],
    ['no artifactId: not a project', pom('  <groupId>io.acme</groupId>\n  <version>1</version>'), []],
  ] as const)('%s', (_name, text, want) => {
    expect(brief([[{ path: 'srv/app/pom.xml', content: text }]])).toEqual(want);
  });

  it('a multi-module build: each module, in its layer; local repositories and system directories are not projects', () => {
    const parent = pom('  <groupId>io.acme</groupId>\n  <artifactId>acme-parent</artifactId>\n  <version>5.0.0</version>\n  <packaging>pom</packaging>');
    const child = pom('  <parent><groupId>io.acme</groupId><artifactId>acme-parent</artifactId><version>5.0.0</version></parent>\n  <artifactId>acme-web</artifactId>');
    const got = brief([
      [{ path: 'build/pom.xml', content: parent }, { path: 'root/.m2/repository/io/acme/x/1/pom.xml', content: parent }, { path: 'usr/share/maven-repo/io/acme/pom.xml', content: parent }],
      [{ path: 'build/web/pom.xml', content: child }],
    ]);
    expect(got.sort()).toEqual([
      'pkg:maven/io.acme/acme-parent@5.0.0 - /build/pom.xml@0 {"application":"true","artifactId":"acme-parent","groupId":"io.acme"}',
      'pkg:maven/io.acme/acme-web@5.0.0 - /build/web/pom.xml@1 {"application":"true","artifactId":"acme-web","groupId":"io.acme"}',
    ]);
  });

  it('wants pom.xml only', () => {
    for (const [path, wanted] of [['app/pom.xml', true], ['app/pom.xml.bak', false], ['app/mypom.xml', false], ['root/.m2/repository/a/pom.xml', false], ['usr/share/java/pom.xml', false]] as const)
      expect(mavenProjectCataloger.wants({ path, mode: 0o100644, size: 10 }), path).toBe(wanted);
  });
});
