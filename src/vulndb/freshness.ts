/**
 * How old the advisory data is. A source's data is as old as the last time its feed was
 * confirmed current: its import, or a conditional request the feed answered `304 Not Modified`.
 * Pure: the caller passes the sources and the clock.
 */

export interface SourceTimes {
  id: string;
  importedAt: Date;
  /** Last time the feed was confirmed current (absent before that was recorded). */
  checkedAt?: Date | null;
}

/** Default age, in days, past which `scan` warns that the advisory data is stale. */
export const DEFAULT_MAX_AGE_DAYS = 7;

/** The last time a source was known to be current. */
export function lastConfirmed(s: SourceTimes): Date {
  return s.checkedAt && s.checkedAt.getTime() > s.importedAt.getTime() ? s.checkedAt : s.importedAt;
}

/** `45 s`, `12 min`, `5 h`, `3 d` — the unit a person would say. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.floor(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/**
 * One warning naming the stale sources when any was last confirmed more than `maxAgeDays` ago;
 * undefined when all are fresh, when there are none, or when `maxAgeDays` is 0 (disabled).
 */
export function staleWarning(sources: SourceTimes[], opts: { now: Date; maxAgeDays: number }): string | undefined {
  if (!(opts.maxAgeDays > 0)) return undefined;
  const limit = opts.maxAgeDays * 86400_000;
  const stale = sources
    .map((s) => ({ id: s.id, age: opts.now.getTime() - lastConfirmed(s).getTime() }))
    .filter((s) => s.age > limit)
    .sort((a, b) => b.age - a.age || a.id.localeCompare(b.id));
  if (stale.length === 0) return undefined;
  const oldest = stale[0]!;
  const others = stale.length > 1 ? ` and ${stale.length - 1} other source${stale.length > 2 ? 's' : ''}` : '';
  return `advisory data is older than ${opts.maxAgeDays} day${opts.maxAgeDays === 1 ? '' : 's'}: ${oldest.id} was last updated ${formatAge(oldest.age)} ago${others}; run \`portcullis db update\` (or set --db-max-age)`;
}

/** Parses a `--db-max-age` value: days, a non-negative number (fractions allowed); 0 disables. */
export function tryParseMaxAge(raw: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
