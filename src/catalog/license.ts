/**
 * License normalisation: raw strings from package metadata to SPDX ids where known.
 */
import spdxCorrect from 'spdx-correct';
import parseSpdx from 'spdx-expression-parse';

const cache = new Map<string, string>();

/**
 * Returns an SPDX license id or expression when `raw` is one or can be corrected to one,
 * otherwise the trimmed raw string (never empty; returns undefined for empty/unknown markers).
 */
export function normaliseLicense(raw: string | undefined | null): string | undefined {
  if (raw == null) return undefined;
  const s = raw.trim();
  if (s === '' || /^(unknown|none|noassertion|unlicensed)$/i.test(s)) return undefined;
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  let out = s;
  try {
    parseSpdx(s);
    out = s;
  } catch {
    const corrected = s.length < 100 ? spdxCorrect(s, { upgrade: true }) : null;
    out = corrected ?? s;
  }
  cache.set(s, out);
  return out;
}

/** Normalises and de-duplicates a list, keeping order. */
export function normaliseLicenses(raws: Iterable<string | undefined | null>): string[] {
  const out: string[] = [];
  for (const r of raws) {
    const n = normaliseLicense(r);
    if (n !== undefined && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Whether a string is a valid SPDX expression (ids or compound). */
export function isSpdxExpression(s: string): boolean {
  try {
    parseSpdx(s);
    return true;
  } catch {
    return false;
  }
}
