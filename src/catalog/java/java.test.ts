/**
 * Java archives: real jars from Debian packages (oracle: unzip -p of their pom.properties),
 * a war nesting real jars, the manifest and file-name fallbacks, and a zip bomb.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { javaArchiveCataloger, nameVersionFromFile, parseManifest } from './cataloger.js';

const JAVA_DIRS = ['/usr/share/java', join(import.meta.dirname, '../../../test/fixtures/cache/rootfs-app/usr/share/java')];
const jars = JAVA_DIRS.filter(existsSync).flatMap((d) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.jar') && !lstatSync(join(d, n)).isSymbolicLink())
    .map((n) => join(d, n)),
);

describe('real jars', () => {
  it('there are real jars to test on (Debian java library packages)', () => {
    expect(jars.length).toBeGreaterThan(0);
  });

  it.each(jars.slice(0, 30))('%s matches its pom.properties', (jar) => {
    let props = '';
    try {
      props = execFileSync('unzip', ['-p', jar, 'META-INF/maven/*/*/pom.properties'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      props = '';
    }
    const r = runCatalogers([[{ path: jar.slice(1), content: readFileSync(jar) }]], [javaArchiveCataloger]);
    expect(r.unknowns).toEqual([]);
    const expected = [...props.matchAll(/^groupId=(.*)$[\s\S]*?^artifactId=(.*)$[\s\S]*?|^version=(.*)$/gm)];
    if (props) {
      const g = /^groupId=(.+)$/m.exec(props)![1]!.trim();
      const a = /^artifactId=(.+)$/m.exec(props)![1]!.trim();
      const v = /^version=(.+)$/m.exec(props)![1]!.trim();
      expect(r.packages.map((p) => p.purl)).toContain(`pkg:maven/${g}/${a}@${v}`);
    } else {
      expect(expected).toEqual([]);
    }
  });
});

describe('synthetic archives', () => {
  const pom = (g: string, a: string, v: string) => new TextEncoder().encode(`groupId=${g}\nartifactId=${a}\nversion=${v}\n`);

  it('reads jars nested in a war with their virtual paths', () => {
    const inner = zipSync({ 'META-INF/maven/com.example/inner/pom.properties': pom('com.example', 'inner', '2.0.0') });
    const war = zipSync({ 'META-INF/maven/com.example/app/pom.properties': pom('com.example', 'app', '1.0.0'), 'WEB-INF/lib/inner-2.0.0.jar': inner });
    const r = runCatalogers([[{ path: 'srv/app.war', content: Buffer.from(war) }]], [javaArchiveCataloger]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:maven/com.example/app@1.0.0', 'pkg:maven/com.example/inner@2.0.0']);
    expect(r.packages.find((p) => p.name === 'com.example:inner')!.metadata?.virtualPath).toBe('/srv/app.war!/WEB-INF/lib/inner-2.0.0.jar');
  });

  it('falls back to MANIFEST.MF, then to the file name', () => {
    const mf = new TextEncoder().encode('Manifest-Version: 1.0\nImplementation-Title: widget\nImplementation-Version: 3.1\nImplementation-Vendor-Id: org.widgets\nBundle-License: Apache-2.0\n\n');
    const r = runCatalogers([[{ path: 'a/widget.jar', content: Buffer.from(zipSync({ 'META-INF/MANIFEST.MF': mf })) }, { path: 'a/plain-lib-1.4.2.jar', content: Buffer.from(zipSync({ 'x.class': new Uint8Array(4) })) }]], [javaArchiveCataloger]);
    expect(r.packages.find((p) => p.name === 'org.widgets:widget')).toMatchObject({ version: '3.1', licenses: ['Apache-2.0'] });
    expect(r.packages.find((p) => p.version === '1.4.2')!.purl).toBe('pkg:maven/plain-lib/plain-lib@1.4.2');
  });

  it('parses manifests with continuation lines and file names', () => {
    expect(parseManifest('Bundle-SymbolicName: org.very.long.na\n me.here\nX: y\n')['Bundle-SymbolicName']).toBe('org.very.long.name.here');
    expect(nameVersionFromFile('/x/jackson-core-2.14.1.jar')).toEqual({ name: 'jackson-core', version: '2.14.1' });
  });

  it('a nested zip bomb becomes an unknown, not an OOM', () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const layer1 = zipSync({ 'zeros.jar': zeros }, { level: 9 });
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 12; i++) files[`lib/b${i}.jar`] = layer1;
    const bomb = zipSync(files, { level: 0 });
    const r = runCatalogers([[{ path: 'bomb.jar', content: Buffer.from(bomb) }]], [javaArchiveCataloger]);
    expect(r.packages).toEqual([]);
    expect(r.unknowns[0]!.reason).toMatch(/zip bomb/);
  });

  it('corrupt archives become unknowns', () => {
    const r = runCatalogers([[{ path: 'bad.jar', content: Buffer.from('PK\u0003\u0004garbage') }]], [javaArchiveCataloger]);
    expect(r.unknowns[0]).toMatchObject({ cataloger: 'java-archive' });
  });
});
