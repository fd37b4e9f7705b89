/**
 * Exact comparison of decimal digit strings of any length: leading zeros stripped, then the
 * longer string is the larger number, then lexical order. Never a float, so 2^53 + 1 and
 * 2^53 stay distinct.
 */
export function stripZeros(d: string): string {
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 48) i++;
  return d.slice(i);
}

export function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);
