/**
 * Java archives (`.jar .war .ear .jpi .hpi .par .sar .nar .kar`) and the archives nested in them.
 * Each archive is one package, identified by (in order) its Maven `pom.properties`, its
 * `pom.xml`, its `MANIFEST.MF`, then its file name; further Maven coordinates in the same archive
 * (shaded jars) are separate packages contained in it. See read-archive.ts for the reading and
 * the zip-bomb limits.
 *
 * Packages are located at the outer file; where inside it they were found is
 * `metadata.virtualPath` (`/srv/app.war:WEB-INF/lib/x.jar`). Edges: an archive's package depends
 * on the packages contained in it (shaded coordinates and nested archives).
 */
import { PackageURL } from 'packageurl-js';
import { PortcullisError } from '../../core/index.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { isJavaArchiveName, readJavaArchive, type JavaArchiveFact } from './read-archive.js';

export { isJavaArchiveName, readJavaArchive } from './read-archive.js';
export type { JavaArchiveFact, JavaPackage } from './read-archive.js';

/**
 * `pkg:maven/<groupId>/<artifactId>@<version>`. The maven type requires a namespace; when the
 * archive does not tell the groupId we use the artifactId (right for the many projects whose
 * groupId is their name, e.g. `junit:junit`) and say so in `metadata.groupIdGuessed`.
 */
export function mavenPurl(groupId: string | undefined, artifactId: string, version: string): string {
  return new PackageURL(
    'maven',
    groupId || artifactId,
    artifactId,
    version || undefined,
    undefined,
    undefined,
  ).toString();
}

const MAX_ARCHIVE = 512 * 1024 * 1024;

export const javaArchiveCataloger = defineCataloger<JavaArchiveFact>({
  id: 'java-archive',
  version: 2,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: MAX_ARCHIVE,
  wants: (f) => isJavaArchiveName(f.path),
  // Local file header at the start, or a launcher script in front of the zip (Spring Boot "fully executable" jars).
  sniff: (head) =>
    (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) ||
    (head[0] === 0x23 && head[1] === 0x21 && head.includes(Buffer.from('PK\x03\x04', 'latin1'))),
  parse(file) {
    const fact = readJavaArchive(file.content, '/' + file.path);
    if (fact.packages.length > 0) return fact;
    if (fact.skipped.length > 0) {
      throw new PortcullisError({
        code: 'ARCHIVE_INVALID',
        message: `No package found in /${file.path}; nested archives unreadable: ${fact.skipped.map((s) => `${s.virtualPath}: ${s.reason}`).join('; ')}`,
      });
    }
    return null;
  },
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const keyOf = (id: number) => `${f.path}#${id}`;
      const children = new Map<number, string[]>();
      for (const p of f.value.packages) {
        if (p.parent === undefined) continue;
        const list = children.get(p.parent) ?? [];
        list.push(keyOf(p.id));
        children.set(p.parent, list);
      }
      for (const p of f.value.packages) {
        const metadata: Record<string, string> = {
          virtualPath: p.virtualPath,
          source: p.source,
          artifactId: p.artifactId,
        };
        if (p.groupId) metadata.groupId = p.groupId;
        else metadata.groupIdGuessed = 'true';
        if (!p.main) metadata.shaded = 'true';
        if (p.title) metadata.title = p.title;
        if (p.vendor) metadata.vendor = p.vendor;
        if (p.id === 0 && f.value.skipped.length > 0)
          metadata.unreadableNested = f.value.skipped.map((s) => `${s.virtualPath}: ${s.reason}`).join('; ');
        const deps = children.get(p.id);
        drafts.push({
          name: p.groupId ? `${p.groupId}:${p.artifactId}` : p.artifactId,
          version: p.version,
          type: 'maven',
          purl: mavenPurl(p.groupId, p.artifactId, p.version),
          licenses: p.licenses,
          locations: [{ path: f.path, layer: f.layer }],
          key: keyOf(p.id),
          ...(deps ? { dependsOn: deps } : {}),
          metadata,
        });
      }
    }
    return drafts;
  },
});
