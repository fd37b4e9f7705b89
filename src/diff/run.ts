/**
 * The diff use case: read two targets at once, match both against the advisory data when asked,
 * and compare them. Returns the diff; rendering and the exit status are the caller's (the CLI, a
 * gate).
 */
import type { MatchResult, Severity } from '../core/index.js';
import { analyseTarget, type AnalysedTarget, type CatalogTargetOptions } from '../scan/index.js';
import { filterFindings, loadIndexFrom, matchCatalog, releaseOf, type AdvisorySource } from '../vulndb/index.js';
import { diffImages } from './compare.js';
import type { ImageDiff } from './types.js';

export interface RunDiffOptions {
  before: string;
  after: string;
  /** How images are read (registry credentials, platform, cache, …). */
  image?: CatalogTargetOptions;
  /** Opens the advisory data; without it no vulnerabilities are compared (`--no-vuln`). */
  openAdvisories?: () => Promise<AdvisorySource>;
  /** Severities of vulnerabilities compared; default: all. */
  severities?: readonly Severity[];
  /** Called when a target starts being read. */
  onRead?: (ref: string) => void;
}

export async function runDiff(opts: RunDiffOptions): Promise<ImageDiff> {
  const read = (ref: string): Promise<AnalysedTarget> => {
    opts.onRead?.(ref);
    return analyseTarget(ref, opts.image ?? {});
  };
  const [before, after] = await Promise.all([read(opts.before), read(opts.after)]);
  let matches: { before: MatchResult; after: MatchResult } | undefined;
  if (opts.openAdvisories) {
    const source = await opts.openAdvisories();
    try {
      const match = async (t: AnalysedTarget): Promise<MatchResult> => {
        const m = matchCatalog(t.result, await loadIndexFrom(source.data, t.result, releaseOf(t.result)));
        return { findings: opts.severities ? filterFindings(m.findings, { severities: [...opts.severities] }) : m.findings, notes: m.notes };
      };
      matches = { before: await match(before), after: await match(after) };
    } finally {
      await source.close();
    }
  }
  return diffImages({ before, after, ...(matches ? { matches } : {}) });
}
