/**
 * Version schemes, one file each behind the `VersionScheme` interface, listed in one registry; OSV
 * range evaluation.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { schemeFor, VERSION_SCHEMES } from './registry.js';
export { semverScheme } from './semver.js';
export type { VersionScheme } from './types.js';
