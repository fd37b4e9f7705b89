/** Small text helpers every renderer shares. */

/** Data from images and files must not move the cursor or recolour the terminal: control characters become `?`. */
export function cleanText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : ch;
  }
  return out;
}

/** A byte count for people: `512 B`, `1.5 MiB`. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}
