/**
 * What changed between two versions of an image: packages, vulnerabilities, risky file modes and
 * config. Pure: the inputs are two analysed targets (catalog and merged filesystem view) and,
 * optionally, the advisory matches of each; nothing here reads images or the store.
 *
 * The diff's renderers (table, JSON) are in `report/diff.ts`, with every other report's.
 */
import type { CatalogResult, MatchResult } from '../core/index.js';
import type { AnalysedTarget } from '../scan/index.js';
import { countConfigChanges, diffConfig } from './config.js';
import { diffFiles, isRiskyFileChange } from './files.js';
import { diffPackages } from './packages.js';
import {
  PACKAGE_CHANGES,
  VULN_CHANGES,
  type DiffSide,
  type ImageDiff,
  type PackageChangeKind,
  type VulnChangeKind,
} from './types.js';
import { diffVulnerabilities, skippedVulnerabilities } from './vulns.js';

export interface DiffInput {
  before: AnalysedTarget;
  after: AnalysedTarget;
  /** Advisory matches of each side; absent when matching was skipped. */
  matches?: { before: MatchResult; after: MatchResult };
}

function sideOf(t: AnalysedTarget): DiffSide {
  const a = t.result.artifact;
  const sizes = a.layers.map((l) => l.size);
  let contentSize = 0;
  for (const e of t.view.entries.values()) if (e.type === 'file') contentSize += e.size;
  return {
    reference: a.reference,
    transport: a.transport,
    ...(a.digest ? { digest: a.digest } : {}),
    ...(a.imageId ? { imageId: a.imageId } : {}),
    ...(a.platform ? { platform: a.platform } : {}),
    ...(t.result.os ? { os: t.result.os } : {}),
    layers: a.layers.length,
    ...(sizes.length > 0 && sizes.every((s) => s !== undefined)
      ? { compressedSize: sizes.reduce((x, y) => x! + y!, 0) }
      : {}),
    contentSize,
    packages: t.result.packages.length,
  };
}

function count<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v]++;
  return out;
}

const diffIds = (r: CatalogResult) => r.artifact.layers.map((l) => l.diffId);

/** Compares two analysed targets. */
export function diffImages(input: DiffInput): ImageDiff {
  const { before, after } = input;
  const packages = diffPackages(before.result.packages, after.result.packages);
  const vulnerabilities = input.matches
    ? diffVulnerabilities({
        before: {
          packages: before.result.packages,
          findings: input.matches.before.findings,
          notes: input.matches.before.notes,
        },
        after: {
          packages: after.result.packages,
          findings: input.matches.after.findings,
          notes: input.matches.after.notes,
        },
      })
    : skippedVulnerabilities();
  const files = diffFiles({
    before: before.view,
    after: after.view,
    beforeLayers: diffIds(before.result),
    afterLayers: diffIds(after.result),
  });
  const config = diffConfig(before.result, after.result);
  return {
    before: sideOf(before),
    after: sideOf(after),
    packages,
    vulnerabilities,
    files,
    config,
    summary: {
      packages: count<PackageChangeKind>(
        PACKAGE_CHANGES,
        packages.map((p) => p.change),
      ),
      ...(vulnerabilities.status === 'matched'
        ? {
            vulnerabilities: count<VulnChangeKind>(
              VULN_CHANGES,
              vulnerabilities.changes.map((v) => v.change),
            ),
          }
        : {}),
      files: {
        added: files.filter((f) => f.change === 'added').length,
        removed: files.filter((f) => f.change === 'removed').length,
        risky: files.filter(isRiskyFileChange).length,
      },
      configChanges: countConfigChanges(config),
    },
  };
}

/** Whether the after side is worse: it introduces vulnerabilities or risky file modes (for `--exit-code`). */
export function isRegression(d: ImageDiff): boolean {
  return (d.summary.vulnerabilities?.introduced ?? 0) > 0 || d.summary.files.risky > 0;
}

