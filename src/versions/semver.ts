/**
 * Semantic versions: npm (node-semver, loose), SemVer 2.0.0 for crates.io/Packagist, and Go
 * module versions (golang.org/x/mod/semver). One parser and one ordering; numbers are compared
 * as digit strings, so components past 2^53 keep their exact order (node-semver itself refuses
 * those, and its prerelease comparison loses precision there; we order them exactly and agree
 * with node-semver everywhere it is defined). Exactly three numeric parts, as node-semver,
 * SemVer 2.0.0 and Go require (four-part versions belong to NuGet's scheme).
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';
import { compareDigits, isDigits } from './digits.js';

export interface SemverParts {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string[];
}

/** node-semver's `loose` grammar: `[v=\s]*` prefix, leading zeros, prerelease without a hyphen. */
const ID_LOOSE = String.raw`(?:\d+|\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const LOOSE = new RegExp(String.raw`^[v=\s]*(\d+)\.(\d+)\.(\d+)(?:-?(${ID_LOOSE}(?:\.${ID_LOOSE})*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$`);
/** node-semver's MAX_LENGTH. */
const MAX_LENGTH = 256;

export function parseSemver(v: string): SemverParts {
  const s = v.trim();
  if (s.length > MAX_LENGTH) throw invalidVersion('semver', v, `longer than ${MAX_LENGTH} characters`);
  const m = LOOSE.exec(s);
  if (!m) throw invalidVersion('semver', v, 'not a semantic version (MAJOR.MINOR.PATCH[-pre][+build])');
  return { major: m[1]!, minor: m[2]!, patch: m[3]!, prerelease: m[4] ? m[4].split('.') : [], build: m[5] ? m[5].split('.') : [] };
}

function compareIdentifier(a: string, b: string): number {
  const an = isDigits(a);
  const bn = isDigits(b);
  if (an && bn) return compareDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer 2.0.0 precedence (§11): build metadata ignored. */
export function compareSemverParts(x: SemverParts, y: SemverParts): number {
  const main = compareDigits(x.major, y.major) || compareDigits(x.minor, y.minor) || compareDigits(x.patch, y.patch);
  if (main !== 0) return main;
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const c = compareIdentifier(p, q);
    if (c !== 0) return c;
  }
  return 0;
}

export const semverScheme: VersionScheme = {
  id: 'semver',
  parse: parseSemver,
  tryParse: (v) => tryOr(() => parseSemver(v)),
  compare: (a, b) => compareSemverParts(parseSemver(a), parseSemver(b)),
};

/** npm is node-semver ordering (build metadata ignored, prereleases before releases). */
export const npmScheme: VersionScheme = { ...semverScheme, id: 'npm' };

const NUM = '(0|[1-9][0-9]*)';
const GO_ID = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const GO_RE = new RegExp(`^v${NUM}\\.${NUM}\\.${NUM}(?:-(${GO_ID}(?:\\.${GO_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);

/**
 * Go module versions: `v` + semver; pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.2019…`) are prereleases and order by their timestamp; `+incompatible` is build
 * metadata and does not affect order. The `go` prefix of toolchain versions (`go1.21.3`) and
 * bare `1.21` are accepted for the stdlib.
 */
export function parseGo(v: string): SemverParts {
  let s = v.trim();
  if (/^go\d/.test(s)) s = 'v' + s.slice(2);
  if (/^\d/.test(s)) s = 'v' + s;
  const short = /^v(\d+)(?:\.(\d+))?$/.exec(s);
  if (short) s = `v${short[1]}.${short[2] ?? 0}.0`;
  const stdlibPre = /^v(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)$/.exec(s);
  if (stdlibPre) s = `v${stdlibPre[1]}.${stdlibPre[2]}.${stdlibPre[3] ?? 0}-${stdlibPre[4]}`;
  const m = GO_RE.exec(s);
  if (!m) throw invalidVersion('go', v, 'not a Go module version (vMAJOR.MINOR.PATCH[-pre][+build])');
  return { major: m[1]!, minor: m[2]!, patch: m[3]!, prerelease: m[4] ? m[4].split('.') : [], build: m[5] ? m[5].split('.') : [] };
}

export const goScheme: VersionScheme = { id: 'go', parse: parseGo, tryParse: (v) => tryOr(() => parseGo(v)), compare: (a, b) => compareSemverParts(parseGo(a), parseGo(b)) };
