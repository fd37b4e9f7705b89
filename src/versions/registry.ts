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

export const VERSION_SCHEMES: ReadonlyMap<string, VersionScheme> = new Map(
  [dpkgScheme, apkScheme, rpmScheme, semverScheme, npmScheme, pep440Scheme, mavenScheme, goScheme, rubygemsScheme, nugetScheme, composerScheme, genericScheme].map((s) => [s.id, s]),
);

/** Scheme for a package type or OSV ecosystem name. */
export function schemeFor(ecosystemOrType: string): VersionScheme {
  const k = ecosystemOrType.toLowerCase().split(':')[0]!;
  const map: Record<string, string> = { deb: 'dpkg', debian: 'dpkg', ubuntu: 'dpkg', apk: 'apk', alpine: 'apk', wolfi: 'apk', rpm: 'rpm', 'red hat': 'rpm', rocky: 'rpm', almalinux: 'rpm', npm: 'npm', pypi: 'pep440', maven: 'maven', golang: 'go', go: 'go', gem: 'rubygems', rubygems: 'rubygems', nuget: 'nuget', cargo: 'semver', 'crates.io': 'semver', composer: 'composer', packagist: 'composer' };
  return VERSION_SCHEMES.get(map[k] ?? k) ?? genericScheme;
}
