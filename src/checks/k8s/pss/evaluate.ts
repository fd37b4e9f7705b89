/**
 * The one evaluator of the Pod Security Standards, with the admission controller's semantics:
 * `privileged` checks nothing; `baseline` runs every baseline control; `restricted` runs every
 * restricted control plus the baseline controls not replaced (`overrides`) by a restricted
 * revision in force at that version. Each control runs the newest revision whose minimum
 * version is at or below the requested one; versions above the newest revision of any control
 * (and `latest`) evaluate as that newest version.
 */
import { PSS_CHECKS } from './registry.js';
import type { CheckResult, PodMetaLike, PodSpecLike, PssCheck, PssLevel, PssVersion, VersionedCheck } from './types.js';
import { compareVersions, LATEST } from './version.js';

export interface EvaluatedCheck {
  check: PssCheck;
  revision: VersionedCheck;
  result: CheckResult;
}

/** The highest minimum version of any registered revision: what `latest` means. */
export function maxPolicyVersion(checks: readonly PssCheck[] = PSS_CHECKS): PssVersion {
  let max: PssVersion = { major: 1, minor: 0 };
  for (const c of checks) for (const r of c.versions) if (compareVersions(r.minimumVersion, max) > 0) max = r.minimumVersion;
  return max;
}

let LATEST_DEFINED: PssVersion | undefined;

/** Resolves `latest` and clamps newer versions to the newest defined one. */
export function resolveVersion(ver: PssVersion | 'latest', checks: readonly PssCheck[] = PSS_CHECKS): PssVersion {
  const max = checks === PSS_CHECKS ? (LATEST_DEFINED ??= maxPolicyVersion()) : maxPolicyVersion(checks);
  return ver === LATEST || compareVersions(ver, max) > 0 ? max : ver;
}

function revisionAt(check: PssCheck, ver: PssVersion): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const r of check.versions) if (compareVersions(r.minimumVersion, ver) <= 0) found = r;
  return found;
}

const byId = (a: PssCheck, b: PssCheck) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The controls and revisions in force for a level and version, baseline first, each sorted by id. */
export function checksFor(level: PssLevel, version: PssVersion | 'latest', checks: readonly PssCheck[] = PSS_CHECKS): { check: PssCheck; revision: VersionedCheck }[] {
  if (level === 'privileged') return [];
  const ver = resolveVersion(version, checks);
  const active = (lvl: 'baseline' | 'restricted') =>
    checks
      .filter((c) => c.level === lvl)
      .sort(byId)
      .flatMap((c) => {
        const revision = revisionAt(c, ver);
        return revision ? [{ check: c, revision }] : [];
      });
  const baseline = active('baseline');
  if (level === 'baseline') return baseline;
  const restricted = active('restricted');
  const overridden = new Set(restricted.flatMap((r) => r.revision.overrides ?? []));
  return [...baseline.filter((b) => !overridden.has(b.check.id)), ...restricted];
}

const inForce = new Map<string, ReturnType<typeof checksFor>>();

/** Runs every control in force against one pod; returns only the forbidden results. */
export function evaluatePod(opts: { level: PssLevel; version: PssVersion | 'latest'; meta: PodMetaLike; spec: PodSpecLike }): EvaluatedCheck[] {
  const out: EvaluatedCheck[] = [];
  const key = `${opts.level}:${resolveVersion(opts.version).minor}`;
  let active = inForce.get(key);
  if (!active) inForce.set(key, (active = checksFor(opts.level, opts.version)));
  for (const { check, revision } of active) {
    const result = revision.check(opts.meta, opts.spec);
    if (!result.allowed) out.push({ check, revision, result: { ...result, forbiddenReason: result.forbiddenReason || 'unknown forbidden reason' } });
  }
  return out;
}

/** `reason (detail)`, the admission controller's per-check message form. */
export function formatViolation(r: CheckResult): string {
  return r.forbiddenDetail ? `${r.forbiddenReason} (${r.forbiddenDetail})` : (r.forbiddenReason ?? '');
}
