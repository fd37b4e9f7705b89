/**
 * Before a scan reports anything: was there advisory data to check the target against, and is
 * it recent? No data for any ecosystem found is `DB_EMPTY` (unless allowed), with the command
 * that fixes it; partial coverage and stale data are reported, never silent.
 */
import { PortcullisError, type CatalogResult, type Coverage, describeCoverageEntry } from '../core/index.js';
import {
  assessCoverage,
  coverageNotes,
  isDatabaseEmptyFor,
  type DataPresence,
  staleWarning,
  type SourceTimes,
} from '../vulndb/index.js';

export interface AdvisoryCheckOptions {
  /** `--allow-empty-db`: scan even when nothing can be checked. */
  allowEmpty: boolean;
  /** `--db-max-age` in days; 0 disables the warning. */
  maxAgeDays: number;
  now?: Date;
}

export interface AdvisoryCheck {
  coverage: Coverage;
  /** Notes to add to the report (language ecosystems without data). */
  notes: string[];
  /** One warning for stderr when the data is stale. */
  staleWarning?: string;
}

/** Decides coverage and freshness; throws `DB_EMPTY` when nothing found could be checked. */
export function checkAdvisoryData(result: CatalogResult, presence: DataPresence, sources: SourceTimes[], opts: AdvisoryCheckOptions): AdvisoryCheck {
  const coverage = assessCoverage(result, presence);
  if (!opts.allowEmpty && isDatabaseEmptyFor(coverage)) {
    const what = coverage.uncovered.filter((e) => e.reason === 'no-data').map(describeCoverageEntry).join(', ');
    const empty = sources.length === 0;
    throw new PortcullisError({
      code: 'DB_EMPTY',
      message: empty
        ? `The advisory database is empty: nothing in ${result.artifact.reference} could be checked (${what}). This is not "0 vulnerabilities".`
        : `The advisory database has no data for what ${result.artifact.reference} holds (${what}): nothing could be checked. This is not "0 vulnerabilities".`,
      hint: empty
        ? 'Run `portcullis db update` to fetch the public advisory feeds (or `--mirror URL` for an internal mirror), or pass --allow-empty-db to scan anyway.'
        : 'Run `portcullis db update --default-sources` to add the public advisory feeds (or `db import FILE`), or pass --allow-empty-db to scan anyway.',
    });
  }
  const warning = staleWarning(sources, { now: opts.now ?? new Date(), maxAgeDays: opts.maxAgeDays });
  return { coverage, notes: coverageNotes(coverage), ...(warning ? { staleWarning: warning } : {}) };
}
