/**
 * DEP-5 license names → SPDX expressions
 * (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/#license-specification).
 *
 * DEP-5 short names look like SPDX ids but differ where it matters: `GPL-2+` means
 * GPL-2.0-or-later (a generic fuzzy matcher reads it as GPL-2.0-only), `Expat` is MIT, Debian's
 * `Artistic` is the Perl Artistic License 1.0, `or`/`and` are lower case, `, and`/`, or` set
 * precedence, and exceptions are written `with Bison exception`. Names with no SPDX equivalent
 * (`public-domain`, `permissive`, `MIT-like`) keep the whole expression raw rather than guessed.
 */
import { isSpdxExpression } from '../license.js';

const NAMES: Record<string, string> = {
  expat: 'MIT',
  mit: 'MIT',
  zlib: 'Zlib',
  isc: 'ISC',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'bsd-4-clause-uc': 'BSD-4-Clause-UC',
  artistic: 'Artistic-1.0-Perl',
  'artistic-1': 'Artistic-1.0-Perl',
  'artistic-1.0': 'Artistic-1.0-Perl',
  'artistic-2': 'Artistic-2.0',
  'artistic-2.0': 'Artistic-2.0',
  perl: 'Artistic-1.0-Perl OR GPL-1.0-or-later',
  apache: 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache-2.0': 'Apache-2.0',
  'apache-1.1': 'Apache-1.1',
  cc0: 'CC0-1.0',
  'cc0-1.0': 'CC0-1.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'mpl-2': 'MPL-2.0',
  python: 'Python-2.0',
  'psf-2': 'PSF-2.0',
  w3c: 'W3C',
  'zope-2.1': 'ZPL-2.1',
  'boost-1.0': 'BSL-1.0',
  'bsl-1.0': 'BSL-1.0',
  'curl': 'curl',
  'openssl': 'OpenSSL',
  'ssleay': 'SSLeay-standalone',
  'unicode-dfs-2016': 'Unicode-DFS-2016',
  'x11': 'X11',
  'ftl': 'FTL',
  'sleepycat': 'Sleepycat',
};

/** GNU family names with a version: `GPL-2`, `LGPL-2.1+`, `AGPL-3+`, `GFDL-NIV-1.3+`. */
const GNU = /^(A?GPL|LGPL|GFDL-NIV|GFDL)-(\d+(?:\.\d+)?)(\+)?$/i;

function gnuToSpdx(m: RegExpExecArray): string {
  const family = m[1]!.toUpperCase();
  let version = m[2]!;
  if (!version.includes('.')) version += '.0';
  const suffix = m[3] ? 'or-later' : 'only';
  if (family === 'GFDL-NIV') return `GFDL-${version}-no-invariants-${suffix}`;
  return `${family}-${version}-${suffix}`;
}

function exceptionId(name: string, base: string): string | undefined {
  const gpl3 = /^GPL-3\.0/.test(base);
  switch (name.toLowerCase()) {
    case 'bison':
      return 'Bison-exception-2.2';
    case 'autoconf':
      return gpl3 ? 'Autoconf-exception-3.0' : 'Autoconf-exception-2.0';
    case 'gcc':
      return gpl3 ? 'GCC-exception-3.1' : 'GCC-exception-2.0';
    case 'classpath':
      return 'Classpath-exception-2.0';
    case 'font':
      return 'Font-exception-2.0';
    case 'llvm':
      return 'LLVM-exception';
    case 'libtool':
      return 'Libtool-exception';
    default:
      return undefined;
  }
}

/** One license name (no operators) → SPDX id or expression, or undefined when unknown. */
function termToSpdx(term: string): string | undefined {
  const w = /^(.*?) with (\S+) exception$/i.exec(term);
  if (w) {
    const base = termToSpdx(w[1]!);
    const exc = base && !/\s/.test(base) ? exceptionId(w[2]!, base) : undefined;
    return base && exc ? `${base} WITH ${exc}` : undefined;
  }
  const gnu = GNU.exec(term);
  if (gnu) return gnuToSpdx(gnu);
  const named = NAMES[term.toLowerCase()];
  if (named) return named;
  if (!term.includes('+') && isSpdxExpression(term)) return term;
  const upper = term.toUpperCase().replace(/-CLAUSE/, '-Clause');
  if (!upper.includes('+') && isSpdxExpression(upper)) return upper;
  return undefined;
}

/** `A or B` / `A and B` with no commas → SPDX, parenthesised when compound. */
function simpleToSpdx(expr: string): string | undefined {
  const parts = expr.split(/ (or|and) /i);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      out.push(parts[i]!.toUpperCase());
      continue;
    }
    const id = termToSpdx(parts[i]!.trim());
    if (id === undefined) return undefined;
    out.push(/ (OR|AND) /.test(id) ? `(${id})` : id);
  }
  return out.join(' ');
}

/**
 * A DEP-5 `License:` first line → an SPDX expression when every part is known, otherwise the
 * raw (whitespace-normalised) string. Returns undefined for an empty field.
 */
export function dep5ToSpdx(raw: string): string | undefined {
  const s = raw.trim().replace(/\s+/g, ' ');
  if (s === '') return undefined;
  // `A or B, and C` = (A or B) and C: commas bind loosest.
  const groups = s.split(/, (or|and) /i);
  const out: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (i % 2 === 1) {
      out.push(groups[i]!.toUpperCase());
      continue;
    }
    const g = simpleToSpdx(groups[i]!);
    if (g === undefined) return s;
    out.push(groups.length > 1 && / (OR|AND) /.test(g) ? `(${g})` : g);
  }
  const expr = out.join(' ');
  return isSpdxExpression(expr) ? expr : s;
}
