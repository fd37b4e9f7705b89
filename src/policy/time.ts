/** Durations (`7d`) and the dates of `until` fields. */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d` → milliseconds (the schema checked the form). */
export function parseDuration(s: string): number {
  const m = /^([0-9]+)([smhdw])$/.exec(s);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.NaN;
}

/**
 * The instant after which an `until` no longer holds: a date (`2027-01-31`) holds through that
 * whole day (UTC); a date-time holds until that instant. NaN when unparseable.
 */
export function untilInstant(until: Date | string): number {
  if (until instanceof Date) {
    const t = until.getTime();
    // YAML dates parse to midnight UTC: the whole day is included.
    return until.getUTCHours() === 0 && until.getUTCMinutes() === 0 && until.getUTCSeconds() === 0 && until.getUTCMilliseconds() === 0 ? t + 86_400_000 : t;
  }
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(until)) return Date.parse(`${until}T00:00:00Z`) + 86_400_000;
  return Date.parse(until);
}

/** `2027-01-31` for display. */
export function formatUntil(until: Date | string): string {
  if (until instanceof Date) return untilInstant(until) - until.getTime() === 86_400_000 ? until.toISOString().slice(0, 10) : until.toISOString();
  return until;
}
