/**
 * Reads one Java archive in memory with fflate, decompressing only the entries that describe
 * packages (`META-INF/MANIFEST.MF`, `META-INF/maven/**\/pom.properties|pom.xml`) and the nested
 * archives (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, jars in an ear, …), recursively.
 *
 * Zip bombs: every entry's declared size is charged to one budget for the whole outer archive
 * *before* it is decompressed (a level's nested archives all at once, when the level is listed),
 * nested archives are opened a batch at a time, nesting stops at a
 * depth limit, and fflate never grows an output buffer past the declared size. Exceeding the
 * budget fails the whole archive with DECOMPRESSION_BOMB (an "unknown" for the scan).
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { PortcullisError } from '../../core/index.js';
import { normaliseLicenses } from '../license.js';
import { nameVersionFromFile } from './file-name.js';
import { bundleLicenses, parseManifest, type Manifest } from './parse-manifest.js';
import { coordinatesFromPomXml, coordinatesFromProperties, type MavenCoordinates } from './parse-pom.js';

export const JAVA_ARCHIVE_EXTENSIONS = [
  'jar',
  'war',
  'ear',
  'jpi',
  'hpi',
  'par',
  'sar',
  'nar',
  'kar',
] as const;
const EXTENSIONS: ReadonlySet<string> = new Set(JAVA_ARCHIVE_EXTENSIONS);

/** Whether a path names a Java archive (by extension, case-insensitive). Cheap: no regex. */
export function isJavaArchiveName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || path.length - dot > 4) return false;
  const slash = path.lastIndexOf('/');
  if (dot <= slash + 1) return false;
  return EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

export interface ReadArchiveOptions {
  /** Largest total of declared uncompressed sizes decompressed for one outer archive. */
  maxExpandedBytes?: number;
  /** Nested archives deeper than this are not opened (0 = only the outer archive). */
  maxDepth?: number;
}

export const DEFAULT_MAX_EXPANDED_BYTES = 512 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 5;
const MAX_ENTRIES = 1_000_000;
const NESTED_BATCH_BYTES = 64 * 1024 * 1024;

export type JavaPackageSource = 'pom.properties' | 'pom.xml' | 'manifest' | 'filename';

export interface JavaPackage {
  /** Index within the fact; `parent` refers to it. */
  id: number;
  groupId?: string;
  artifactId: string;
  version: string;
  /** `/app.war` or `/app.war:WEB-INF/lib/x.jar` (root-absolute path of the outer file, `:`-joined inner paths). */
  virtualPath: string;
  source: JavaPackageSource;
  /** The package the archive itself is (vs. coordinates of other projects shaded into it). */
  main: boolean;
  /** The package this one is contained in: its archive's main package, or the enclosing archive's. */
  parent?: number;
  licenses: string[];
  /** Descriptive manifest fields (name, vendor) when present. */
  title?: string;
  vendor?: string;
}

export interface JavaArchiveFact {
  packages: JavaPackage[];
  /** Nested entries named like archives that could not be read, with why. */
  skipped: { virtualPath: string; reason: string }[];
}

interface Budget {
  left: number;
  readonly max: number;
  readonly maxDepth: number;
  outer: string;
}

function charge(budget: Budget, info: UnzipFileInfo, virtualPath: string): void {
  // A deflated entry much smaller than its compressed data lies about its size.
  if (info.compression === 8 && info.size > info.originalSize + info.originalSize / 8 + 1024) {
    throw new PortcullisError({
      code: 'ARCHIVE_INVALID',
      message: `Zip entry "${info.name}" in ${virtualPath} declares ${info.originalSize} bytes but holds ${info.size} compressed bytes`,
    });
  }
  budget.left -= Math.max(info.originalSize, info.size);
  if (budget.left < 0) {
    throw new PortcullisError({
      code: 'DECOMPRESSION_BOMB',
      message: `DECOMPRESSION_BOMB: ${budget.outer} expands past ${budget.max} bytes (at "${info.name}" in ${virtualPath}); not read`,
      hint: 'A Java archive that decompresses to more than this is treated as a zip bomb.',
    });
  }
}

function unzip(
  buf: Uint8Array,
  virtualPath: string,
  filter: (f: UnzipFileInfo) => boolean,
): Record<string, Uint8Array> {
  let entries = 0;
  try {
    return unzipSync(buf, {
      filter: (f) => {
        if (++entries > MAX_ENTRIES)
          throw new PortcullisError({
            code: 'ARCHIVE_INVALID',
            message: `${virtualPath} lists more than ${MAX_ENTRIES} entries`,
          });
        return filter(f);
      },
    });
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw new PortcullisError({
      code: 'ARCHIVE_INVALID',
      message: `Cannot read ${virtualPath} as a zip archive: ${(err as Error).message}`,
      cause: err,
    });
  }
}

function isMetadataEntry(n: string): boolean {
  return (
    n === 'META-INF/MANIFEST.MF' ||
    (n.startsWith('META-INF/maven/') && (n.endsWith('/pom.properties') || n.endsWith('/pom.xml')))
  );
}

function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Coordinates in `META-INF/maven/<groupId>/<artifactId>/`: pom.properties, else pom.xml. */
function mavenEntries(
  files: Record<string, Uint8Array>,
): { coords: MavenCoordinates; source: JavaPackageSource }[] {
  const dirs = new Map<string, { props?: Uint8Array; xml?: Uint8Array }>();
  for (const [name, data] of Object.entries(files)) {
    if (!name.startsWith('META-INF/maven/')) continue;
    const dir = name.slice(0, name.lastIndexOf('/'));
    const d = dirs.get(dir) ?? {};
    if (name.endsWith('/pom.properties')) d.props = data;
    else d.xml = data;
    dirs.set(dir, d);
  }
  const out: { coords: MavenCoordinates; source: JavaPackageSource }[] = [];
  for (const dir of [...dirs.keys()].sort()) {
    const d = dirs.get(dir)!;
    const fromProps = d.props ? coordinatesFromProperties(text(d.props)) : undefined;
    const fromXml = d.xml ? coordinatesFromPomXml(text(d.xml)) : undefined;
    if (fromProps)
      out.push({
        coords: { ...fromProps, ...(fromXml?.licenses ? { licenses: fromXml.licenses } : {}) },
        source: 'pom.properties',
      });
    else if (fromXml) out.push({ coords: fromXml, source: 'pom.xml' });
  }
  return out;
}

function tokens(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Which of several Maven coordinates is the archive itself: the one whose artifactId is the file
 * name (or its prefix before a classifier: `wagon-http-shaded` → `wagon-http`), or matches the
 * manifest, or shares clearly the most name tokens; a lone entry is the archive. Others are
 * projects shaded into it.
 */
export function pickMain(
  entries: { coords: MavenCoordinates }[],
  fileStem: string,
  manifest: Manifest,
): number | undefined {
  if (entries.length === 0) return undefined;
  const stem = fileStem.toLowerCase();
  const exact = entries.findIndex((e) => e.coords.artifactId.toLowerCase() === stem);
  if (exact >= 0) return exact;
  let best = -1;
  for (let i = 0; i < entries.length; i++) {
    const a = entries[i]!.coords.artifactId.toLowerCase();
    if (stem.startsWith(a + '-') && (best < 0 || a.length > entries[best]!.coords.artifactId.length))
      best = i;
  }
  if (best >= 0) return best;
  const symbolic = manifest.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const title = manifest.get('implementation-title');
  const byManifest = entries.findIndex(
    (e) =>
      (symbolic &&
        (`${e.coords.groupId}.${e.coords.artifactId}` === symbolic || e.coords.artifactId === symbolic)) ||
      e.coords.artifactId === title,
  );
  if (byManifest >= 0) return byManifest;
  if (entries.length === 1) return 0;
  const stemTokens = new Set(tokens(stem));
  const scores = entries.map((e) => tokens(e.coords.artifactId).filter((t) => stemTokens.has(t)).length);
  const top = Math.max(...scores);
  if (top >= 2 && scores.filter((s) => s === top).length === 1) return scores.indexOf(top);
  return undefined;
}

/** The archive described by its manifest, then by its file name; undefined without a version. */
function fromManifest(
  manifest: Manifest,
  fileName: string,
): { coords: MavenCoordinates; source: JavaPackageSource } | undefined {
  const file = nameVersionFromFile(fileName);
  const title = manifest.get('implementation-title') ?? manifest.get('specification-title');
  const symbolic = manifest.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const manifestVersion =
    manifest.get('implementation-version') ??
    manifest.get('bundle-version') ??
    manifest.get('specification-version');
  const version = manifestVersion ?? file.version;
  if (!version) return undefined;
  // A versioned file name is usually `<artifactId>-<version>`; a title is often prose.
  const artifactId = file.version || !title || /\s/.test(title) ? file.name : title;
  let groupId = manifest.get('implementation-vendor-id');
  if (!groupId && symbolic && symbolic.includes('.')) {
    if (symbolic.endsWith(`.${artifactId}`)) groupId = symbolic.slice(0, -artifactId.length - 1);
  }
  return {
    coords: { ...(groupId ? { groupId } : {}), artifactId, version },
    source: manifestVersion ? 'manifest' : 'filename',
  };
}

function readOne(
  buf: Uint8Array,
  virtualPath: string,
  depth: number,
  parent: number | undefined,
  budget: Budget,
  out: JavaArchiveFact,
): void {
  const nested: UnzipFileInfo[] = [];
  const files = unzip(buf, virtualPath, (f) => {
    if (isMetadataEntry(f.name)) {
      charge(budget, f, virtualPath);
      return true;
    }
    if (isJavaArchiveName(f.name) && !f.name.endsWith('/')) {
      // Charged now, before anything nested is opened: a level that lists more than the
      // budget fails at once instead of after decompressing most of it.
      if (depth < budget.maxDepth) {
        charge(budget, f, virtualPath);
        nested.push(f);
      } else
        out.skipped.push({
          virtualPath: `${virtualPath}:${f.name}`,
          reason: `nested deeper than ${budget.maxDepth} archives; not read`,
        });
    }
    return false;
  });

  const manifestBytes = files['META-INF/MANIFEST.MF'];
  const manifest = manifestBytes ? parseManifest(text(manifestBytes)) : new Map<string, string>();
  const licenses = bundleLicenses(manifest.get('bundle-license'));
  const fileName = baseName(virtualPath);
  const maven = mavenEntries(files);
  const mainIndex = pickMain(maven, nameVersionFromFile(fileName).stem, manifest);
  const main = mainIndex !== undefined ? maven[mainIndex] : fromManifest(manifest, fileName);
  const describe = (manifestFields: boolean) => ({
    ...(manifestFields && (manifest.get('implementation-title') ?? manifest.get('bundle-name'))
      ? { title: (manifest.get('implementation-title') ?? manifest.get('bundle-name'))! }
      : {}),
    ...(manifestFields && (manifest.get('implementation-vendor') ?? manifest.get('bundle-vendor'))
      ? { vendor: (manifest.get('implementation-vendor') ?? manifest.get('bundle-vendor'))! }
      : {}),
  });

  let self = parent;
  if (main) {
    self = out.packages.length;
    out.packages.push({
      id: self,
      ...(main.coords.groupId ? { groupId: main.coords.groupId } : {}),
      artifactId: main.coords.artifactId,
      version: main.coords.version,
      virtualPath,
      source: main.source,
      main: true,
      ...(parent !== undefined ? { parent } : {}),
      licenses: licenses.length > 0 ? licenses : normaliseLicenses(main.coords.licenses ?? []),
      ...describe(true),
    });
  }
  maven.forEach((m, i) => {
    if (i === mainIndex) return;
    out.packages.push({
      id: out.packages.length,
      ...(m.coords.groupId ? { groupId: m.coords.groupId } : {}),
      artifactId: m.coords.artifactId,
      version: m.coords.version,
      virtualPath,
      source: m.source,
      main: false,
      ...(self !== undefined ? { parent: self } : {}),
      licenses: normaliseLicenses(m.coords.licenses ?? []),
    });
  });

  // Open nested archives a batch at a time, so at most one batch per level is in memory.
  for (let i = 0; i < nested.length;) {
    const batch = new Set<string>();
    let bytes = 0;
    for (
      ;
      i < nested.length && (batch.size === 0 || bytes + nested[i]!.originalSize <= NESTED_BATCH_BYTES);
      i++
    ) {
      batch.add(nested[i]!.name);
      bytes += nested[i]!.originalSize;
    }
    const inner = unzip(buf, virtualPath, (f) => batch.has(f.name));
    for (const name of [...batch].sort()) {
      const data = inner[name];
      if (!data) continue;
      const innerPath = `${virtualPath}:${name}`;
      try {
        readOne(data, innerPath, depth + 1, self, budget, out);
      } catch (err) {
        // A damaged nested jar is reported with the outer archive; running out of budget
        // (or any other typed limit) fails the whole archive.
        if (err instanceof PortcullisError && err.code === 'ARCHIVE_INVALID')
          out.skipped.push({ virtualPath: innerPath, reason: err.message });
        else throw err;
      }
    }
  }
}

/**
 * Reads a Java archive and the archives nested in it. `path` is the root-absolute path of the
 * file (`/opt/app.war`). Throws ARCHIVE_INVALID when the outer file is not a readable zip and
 * DECOMPRESSION_BOMB when the budget runs out.
 */
export function readJavaArchive(
  buf: Uint8Array,
  path: string,
  opts: ReadArchiveOptions = {},
): JavaArchiveFact {
  const max = opts.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED_BYTES;
  const budget: Budget = { left: max, max, maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH, outer: path };
  const out: JavaArchiveFact = { packages: [], skipped: [] };
  readOne(buf, path, 0, undefined, budget, out);
  return out;
}
