/**
 * JAR manifests (https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest):
 * `Name: value` headers, lines continued by a leading single space, sections separated by blank
 * lines. Only the main section describes the archive; header names are case-insensitive.
 */
import { normaliseLicense } from '../license.js';

/** Main-section headers, keyed by lower-cased name. */
export type Manifest = Map<string, string>;

export function parseManifest(text: string): Manifest {
  const out: Manifest = new Map();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) break; // end of the main section
      continue;
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, out.get(last)! + line.slice(1));
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim().toLowerCase();
    out.set(last, line.slice(i + 1).trim());
  }
  return out;
}

/** Splits an OSGi header on commas outside double quotes. */
function splitClauses(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of v) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Well-known license URLs as they appear in `Bundle-License` headers. */
const LICENSE_URLS: [RegExp, string][] = [
  [/apache\.org\/licenses\/LICENSE-2\.0/i, 'Apache-2.0'],
  [/opensource\.org\/licenses\/(mit|MIT-license)/i, 'MIT'],
  [/opensource\.org\/licenses\/(bsd-license|BSD-2-Clause)/i, 'BSD-2-Clause'],
  [/opensource\.org\/licenses\/BSD-3-Clause/i, 'BSD-3-Clause'],
  [/eclipse\.org\/legal\/epl-2\.0/i, 'EPL-2.0'],
  [/eclipse\.org\/legal\/epl-v10/i, 'EPL-1.0'],
  [/eclipse\.org\/(org\/documents\/)?edl-v10/i, 'BSD-3-Clause'],
  [/gnu\.org\/licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/gnu\.org\/licenses\/old-licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/mozilla\.org\/MPL\/2\.0/i, 'MPL-2.0'],
];

/**
 * `Bundle-License` (OSGi core §3.2.1): comma-separated clauses `name;link=…;description=…`,
 * where name is an SPDX id/expression or a license URL. URLs we know become SPDX ids; others are
 * kept as written. `<<EXTERNAL>>` means "not stated here".
 */
export function bundleLicenses(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const clause of splitClauses(header)) {
    const name = clause.split(';')[0]!.trim().replace(/^"|"$/g, '');
    if (!name || name === '<<EXTERNAL>>') continue;
    // spdx-correct would turn an unknown URL into some unrelated id; keep those as written.
    const isUrl = /^https?:\/\//i.test(name);
    const id = isUrl ? (LICENSE_URLS.find(([re]) => re.test(name))?.[1] ?? name) : normaliseLicense(name);
    if (id !== undefined && !out.includes(id)) out.push(id);
  }
  return out;
}
