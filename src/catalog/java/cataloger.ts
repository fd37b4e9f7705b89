/**
 * Java archives (.jar/.war/.ear and friends), read in memory with fflate: Maven
 * `pom.properties` (several in a shaded jar), `MANIFEST.MF` as fallback, then the file name.
 * Nested archives (WEB-INF/lib, BOOT-INF/lib, lib/) are read recursively within a depth limit
 * and a decompressed-size budget, so a zip bomb becomes an unknown, not an OOM.
 */
import { unzipSync } from 'fflate';
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { defineCataloger, type PackageDraft } from '../types.js';

const ARCHIVE_EXT = /\.(jar|war|ear|jpi|hpi|par|sar|nar|kar|rar)$/i;
const MAX_DEPTH = 4;
const MAX_EXPANDED = 512 * 1024 * 1024;

export interface JavaPackage {
  groupId?: string;
  artifactId: string;
  version: string;
  /** outer.jar!/WEB-INF/lib/inner.jar */
  virtualPath: string;
  source: 'pom.properties' | 'manifest' | 'filename';
  licenses: string[];
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(t);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/** Main section of a JAR manifest (continuation lines start with one space). */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last) {
      out[last] += line.slice(1);
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0) {
      last = line.slice(0, i).trim();
      out[last] = line.slice(i + 1).trim();
    }
  }
  return out;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `commons-lang3-3.12.0.jar` → commons-lang3, 3.12.0. */
export function nameVersionFromFile(file: string): { name: string; version?: string } {
  const stem = baseName(file).replace(ARCHIVE_EXT, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return m ? { name: m[1]!, version: m[2]! } : { name: stem };
}

class BudgetExceeded extends Error {}

interface Budget {
  expanded: number;
}

function readArchive(buf: Uint8Array, virtualPath: string, depth: number, budget: Budget, out: JavaPackage[]): void {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(buf, {
      filter: (f) => {
        const n = f.name;
        const wanted = n === 'META-INF/MANIFEST.MF' || (n.startsWith('META-INF/maven/') && n.endsWith('/pom.properties')) || (depth < MAX_DEPTH && ARCHIVE_EXT.test(n));
        if (!wanted) return false;
        budget.expanded += f.originalSize;
        if (budget.expanded > MAX_EXPANDED) throw new BudgetExceeded(`archive expands past ${MAX_EXPANDED} bytes (zip bomb?); not read`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof BudgetExceeded) throw err;
    throw new Error(`cannot read ${virtualPath}: ${(err as Error).message}`);
  }
  const manifest = files['META-INF/MANIFEST.MF'] ? parseManifest(Buffer.from(files['META-INF/MANIFEST.MF']).toString('utf8')) : {};
  const licenses = normaliseLicenses((manifest['Bundle-License'] ?? '').split(',').map((s) => s.trim()).filter((s) => s && !/^https?:/.test(s)));
  const poms = Object.keys(files)
    .filter((n) => n.endsWith('/pom.properties'))
    .sort()
    .map((n) => parseProperties(Buffer.from(files[n]!).toString('utf8')))
    .filter((p) => p.artifactId && p.version);
  const fromFile = nameVersionFromFile(virtualPath);
  if (poms.length > 0) {
    for (const p of poms) {
      out.push({ groupId: p.groupId, artifactId: p.artifactId!, version: p.version!, virtualPath, source: 'pom.properties', licenses: p.artifactId === fromFile.name || poms.length === 1 ? licenses : [] });
    }
  } else {
    const artifactId = manifest['Implementation-Title'] && !/\s/.test(manifest['Implementation-Title']) ? manifest['Implementation-Title'] : fromFile.name;
    const version = manifest['Implementation-Version'] ?? manifest['Bundle-Version'] ?? manifest['Specification-Version'] ?? fromFile.version;
    const group = manifest['Implementation-Vendor-Id'] ?? manifest['Bundle-SymbolicName']?.split(';')[0]?.replace(new RegExp(`\\.${artifactId}$`), '');
    if (version) out.push({ ...(group ? { groupId: group } : {}), artifactId, version, virtualPath, source: manifest['Implementation-Version'] || manifest['Bundle-Version'] ? 'manifest' : 'filename', licenses });
  }
  for (const [n, data] of Object.entries(files)) {
    if (!ARCHIVE_EXT.test(n)) continue;
    try {
      readArchive(data, `${virtualPath}!/${n}`, depth + 1, budget, out);
    } catch (err) {
      // A nested entry named like an archive that is not one (or is damaged) is skipped;
      // running out of budget fails the whole archive.
      if (err instanceof BudgetExceeded) throw err;
    }
  }
}

export const javaArchiveCataloger = defineCataloger<JavaPackage[]>({
  id: 'java-archive',
  version: 1,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: 512 * 1024 * 1024,
  wants: (f) => ARCHIVE_EXT.test(f.path),
  sniff: (head) => head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04,
  parse(file) {
    const out: JavaPackage[] = [];
    readArchive(file.content, '/' + file.path, 0, { expanded: 0 }, out);
    return out;
  },
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      for (const p of f.value) {
        const group = p.groupId ?? p.artifactId;
        const d: PackageDraft = {
          name: `${group}:${p.artifactId}`,
          version: p.version,
          type: 'maven',
          purl: new PackageURL('maven', group, p.artifactId, p.version, undefined, undefined).toString(),
          licenses: p.licenses,
          locations: [{ path: f.path, layer: f.layer }],
          metadata: { virtualPath: p.virtualPath, source: p.source, ...(p.groupId ? {} : { groupIdGuessed: 'true' }) },
        };
        drafts.push(d);
      }
    }
    return drafts;
  },
});
