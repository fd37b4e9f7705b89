/** Every version scheme, in one explicit table. */
import { apkScheme } from './apk.js';
import { composerScheme } from './composer.js';
import { dpkgScheme } from './dpkg.js';
import { genericScheme } from './generic.js';
import { mavenScheme } from './maven.js';
import { nugetScheme } from './nuget.js';
import { pep440Scheme } from './pep440.js';
import { rpmScheme } from './rpm.js';
import { rubygemsScheme } from './rubygems.js';
import { goScheme, npmScheme, semverScheme } from './semver.js';
import type { VersionScheme } from './types.js';
import { ecosystemKey, PACKAGE_TYPES } from '../core/index.js';

export const VERSION_SCHEMES: ReadonlyMap<string, VersionScheme> = new Map(
  [dpkgScheme, apkScheme, rpmScheme, semverScheme, npmScheme, pep440Scheme, mavenScheme, goScheme, rubygemsScheme, nugetScheme, composerScheme, genericScheme].map((s) => [s.id, s]),
);

/** Distributions and ecosystems without a package type of their own, by lower-case name. */
const OTHER_NAMES: Readonly<Record<string, string>> = { debian: 'dpkg', ubuntu: 'dpkg', alpine: 'apk', wolfi: 'apk', 'red hat': 'rpm', rocky: 'rpm', almalinux: 'rpm', nuget: 'nuget' };

/** Scheme id by package type and by OSV ecosystem key (`pypi`, `crates.io`), from the package-type table. */
const SCHEME_OF: ReadonlyMap<string, string> = new Map([
  ...PACKAGE_TYPES.flatMap((t) => [[t.type, t.versionScheme] as const, ...('osv' in t ? [[ecosystemKey(t.osv), t.versionScheme] as const] : [])]),
  ...Object.entries(OTHER_NAMES),
]);

/** Scheme for a package type or OSV ecosystem name. */
export function schemeFor(ecosystemOrType: string): VersionScheme {
  const k = ecosystemKey(ecosystemOrType);
  const id = SCHEME_OF.get(k) ?? k;
  return VERSION_SCHEMES.get(id) ?? genericScheme;
}
