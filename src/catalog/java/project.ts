/**
 * A Maven project's own package from its `pom.xml` on disk (a source tree, an exploded webapp's
 * `META-INF/maven/<g>/<a>/pom.xml`): groupId, artifactId and version, the groupId and version
 * inherited from `<parent>` when the project does not set them, `${…}` resolved from
 * `<properties>` and the `project.*` names (see parse-pom.ts). A version left unresolved (a
 * `${revision}` set only on the command line) cannot be known, and such a project is not
 * reported. Local repositories (`.m2/repository`, which hold `.pom` files anyway) and the system
 * directories are not projects.
 */
import { APPLICATION_METADATA, baseName, isSystemPath } from '../application.js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { mavenPurl } from './cataloger.js';
import { coordinatesFromPomXml, type MavenCoordinates } from './parse-pom.js';

export const mavenProjectCataloger = defineCataloger<MavenCoordinates>({
  id: 'maven-project',
  version: 1,
  tags: ['language', 'declared', 'image', 'directory'],
  maxFileSize: 8 * 1024 * 1024,
  wants: (f) => baseName(f.path) === 'pom.xml' && !f.path.includes('.m2/') && !isSystemPath(f.path),
  parse: (file) => coordinatesFromPomXml(file.content.toString('utf8')) ?? null,
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const c = f.value;
      drafts.push({
        name: c.groupId ? `${c.groupId}:${c.artifactId}` : c.artifactId,
        version: c.version,
        type: 'maven',
        purl: mavenPurl(c.groupId, c.artifactId, c.version),
        licenses: normaliseLicenses(c.licenses ?? []),
        locations: [{ path: f.path, layer: f.layer }],
        metadata: { ...APPLICATION_METADATA, artifactId: c.artifactId, ...(c.groupId ? { groupId: c.groupId } : { groupIdGuessed: 'true' }) },
      });
    }
    return drafts;
  },
});
