/** npm (node-semver) and Go module versions. */
import semver from 'semver';
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';

export function parseSemver(v: string): semver.SemVer {
  const p = semver.parse(v.trim(), { loose: true });
  if (!p) throw invalidVersion('semver', v, 'not a semantic version');
  return p;
}

export const semverScheme: VersionScheme = {
  id: 'semver',
  parse: parseSemver,
  tryParse: (v) => tryOr(() => parseSemver(v)),
  compare: (a, b) => semver.compare(parseSemver(a), parseSemver(b)),
};

/** npm is node-semver ordering (build metadata ignored, prereleases before releases). */
export const npmScheme: VersionScheme = { ...semverScheme, id: 'npm' };

const GO_RE = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Go module versions: `v` + semver; pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.2019…`) are prereleases and order by their timestamp; `+incompatible` is build
 * metadata and does not affect order. The `go` prefix of toolchain versions (`go1.21.3`) and
 * bare `1.21` are accepted for the stdlib.
 */
export function parseGo(v: string): semver.SemVer {
  let s = v.trim();
  if (/^go\d/.test(s)) s = 'v' + s.slice(2);
  if (/^\d/.test(s)) s = 'v' + s;
  const short = /^v(\d+)(?:\.(\d+))?$/.exec(s);
  if (short) s = `v${short[1]}.${short[2] ?? 0}.0`;
  const stdlibPre = /^v(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)$/.exec(s);
  if (stdlibPre) s = `v${stdlibPre[1]}.${stdlibPre[2]}.${stdlibPre[3] ?? 0}-${stdlibPre[4]}`;
  if (!GO_RE.test(s)) throw invalidVersion('go', v, 'not a Go module version (vMAJOR.MINOR.PATCH[-pre][+build])');
  return new semver.SemVer(s.slice(1));
}

export const goScheme: VersionScheme = { id: 'go', parse: parseGo, tryParse: (v) => tryOr(() => parseGo(v)), compare: (a, b) => semver.compare(parseGo(a), parseGo(b)) };
