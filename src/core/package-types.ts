/**
 * Package types and ecosystems, once: one row per package type with how every format and data
 * source spells it (purl type, OSV ecosystem, Grafeas `PackageType`), whether the OS package
 * manager owns it, and which version scheme orders it. A new ecosystem is one more row.
 */

export interface PackageTypeInfo {
  /** Our name, also the purl type (https://github.com/package-url/purl-spec). */
  readonly type: string;
  /** Installed by the distribution's package manager (matched against the distro's own advisories). */
  readonly os: boolean;
  /** The purl type. */
  readonly purl: string;
  /** OSV ecosystem, spelled as OSV does (`PyPI`, `crates.io`); absent for OS types (their OSV ecosystem is the distro's). */
  readonly osv?: string;
  /** grafeas.v1 package type (package.proto) as `scan --push` writes it. */
  readonly grafeas: string;
  /** Id of the version scheme in `versions/` that orders its versions. */
  readonly versionScheme: string;
  /** What the table report calls a target of this type (`debian packages`, `python`). */
  readonly label: string;
}

export const PACKAGE_TYPES = [
  { type: 'deb', os: true, purl: 'deb', grafeas: 'OS', versionScheme: 'dpkg', label: 'debian packages' },
  { type: 'apk', os: true, purl: 'apk', grafeas: 'OS', versionScheme: 'apk', label: 'alpine packages' },
  { type: 'rpm', os: true, purl: 'rpm', grafeas: 'OS', versionScheme: 'rpm', label: 'rpm packages' },
  { type: 'npm', os: false, purl: 'npm', osv: 'npm', grafeas: 'NPM', versionScheme: 'npm', label: 'npm' },
  { type: 'pypi', os: false, purl: 'pypi', osv: 'PyPI', grafeas: 'PYPI', versionScheme: 'pep440', label: 'python' },
  { type: 'golang', os: false, purl: 'golang', osv: 'Go', grafeas: 'GO', versionScheme: 'go', label: 'go' },
  { type: 'maven', os: false, purl: 'maven', osv: 'Maven', grafeas: 'MAVEN', versionScheme: 'maven', label: 'java' },
  { type: 'cargo', os: false, purl: 'cargo', osv: 'crates.io', grafeas: 'CARGO', versionScheme: 'semver', label: 'cargo' },
  { type: 'gem', os: false, purl: 'gem', osv: 'RubyGems', grafeas: 'RUBYGEMS', versionScheme: 'rubygems', label: 'ruby' },
  { type: 'composer', os: false, purl: 'composer', osv: 'Packagist', grafeas: 'COMPOSER', versionScheme: 'composer', label: 'php' },
] as const satisfies readonly PackageTypeInfo[];

export type PackageType = (typeof PACKAGE_TYPES)[number]['type'];

const BY_TYPE: ReadonlyMap<string, PackageTypeInfo> = new Map(PACKAGE_TYPES.map((t) => [t.type, t]));
const BY_PURL: ReadonlyMap<string, PackageType> = new Map(PACKAGE_TYPES.map((t) => [t.purl, t.type]));

/** The package types the OS package manager owns (`deb`, `apk`, `rpm`). */
export const OS_PACKAGE_TYPES: readonly PackageType[] = PACKAGE_TYPES.filter((t) => t.os).map((t) => t.type);

export function isPackageType(s: string): s is PackageType {
  return BY_TYPE.has(s);
}

/** The table row of a package type; undefined for a name that is none. */
export function packageTypeInfo(type: string): PackageTypeInfo | undefined {
  return BY_TYPE.get(type);
}

/** Whether packages of this type belong to the distribution (`deb`, `apk`, `rpm`). */
export function isOsPackageType(type: string): boolean {
  return BY_TYPE.get(type)?.os === true;
}

/** Our package type of a purl type (`pkg:pypi/…` → `pypi`); undefined for types we don't catalogue. */
export function packageTypeOfPurl(purlType: string): PackageType | undefined {
  return BY_PURL.get(purlType.toLowerCase());
}

/** The OSV ecosystem of a language package type (`pypi` → `PyPI`); undefined for OS and unknown types. */
export function osvEcosystemOfType(type: string): string | undefined {
  return BY_TYPE.get(type)?.osv;
}

/**
 * How the advisory store keys an OSV ecosystem: its name before `:`, lower case (`PyPI` → `pypi`,
 * `Debian:12` → `debian`).
 */
export function ecosystemKey(osvEcosystem: string): string {
  return osvEcosystem.split(':')[0]!.toLowerCase();
}

/** The grafeas.v1 package type of a package type: `OS` for distribution packages, else its name in capitals. */
export function grafeasPackageTypeOf(type: string): string {
  return BY_TYPE.get(type)?.grafeas ?? type.toUpperCase();
}
