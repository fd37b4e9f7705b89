/**
 * Alpine (apk) version ordering, as apk-tools 3 orders versions (`apk version -t`, `apk vertest`):
 * `digit{.digit}…{letter}{_suffix{N}}…{~hash}{-rN}`, read as a stream of typed tokens.
 *
 * - Tokens of the same type compare by value: numbers exactly (digit strings, any length); a
 *   later `.` component with a leading zero on either side compares as a string (`1.01` < `1.1`,
 *   `8.2.0` < `8.2.001`); letters by character; suffixes `_alpha` < `_beta` < `_pre` < `_rc` <
 *   (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`; `~hash` as a string.
 * - When the token types differ, a pre-release suffix sorts first, otherwise the version whose
 *   next token comes earlier in the grammar is the larger (`1.0.1` > `1.0` > `1.0_rc1`).
 * - apk compares strings its grammar does not accept too (`1-r`, `0..1..0`, `1.0bc`): the
 *   invalid token ends the stream and sorts below every other token type. `parseApk` says whether
 *   apk would accept the string as a package version; `compareApk` orders any string as apk does.
 */
import type { VersionScheme } from './types.js';
import { invalidVersion, tryOr } from './errors.js';
import { compareDigits } from './digits.js';

const enum T {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

/** Suffix ranks; NONE (5) is the pivot between pre- and post-release suffixes. */
const SUFFIX: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;

interface Tok {
  type: T;
  value: string;
  suffix: number;
}

class Lexer {
  private pos = 0;
  readonly tok: Tok = { type: T.InitialDigit, value: '', suffix: 0 };

  constructor(private readonly s: string) {
    this.digits(T.InitialDigit);
  }

  private span(re: RegExp): string {
    const start = this.pos;
    while (this.pos < this.s.length && re.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private digits(type: T): void {
    this.tok.type = type;
    this.tok.value = this.span(/[0-9]/);
    if (this.tok.value === '') this.tok.type = T.Invalid;
  }

  next(): void {
    const t = this.tok;
    if (this.pos >= this.s.length) {
      t.type = T.End;
      return;
    }
    const c = this.s[this.pos]!;
    if (c >= 'a' && c <= 'z') {
      if (t.type > T.Digit) return this.invalid();
      t.type = T.Letter;
      t.value = c;
      this.pos++;
    } else if (c === '.' || (c >= '0' && c <= '9')) {
      if (c === '.') {
        if (t.type > T.Digit) return this.invalid();
        this.pos++;
      }
      if (t.type === T.InitialDigit || t.type === T.Digit) this.digits(T.Digit);
      else if (t.type === T.Suffix) this.digits(T.SuffixNo);
      else this.invalid();
    } else if (c === '_') {
      if (t.type > T.SuffixNo) return this.invalid();
      this.pos++;
      t.value = this.span(/[a-z]/);
      const rank = SUFFIX[t.value];
      if (rank === undefined) return this.invalid();
      t.suffix = rank;
      t.type = T.Suffix;
    } else if (c === '~') {
      if (t.type >= T.CommitHash) return this.invalid();
      this.pos++;
      t.value = this.span(/[0-9a-f]/);
      if (t.value === '') return this.invalid();
      t.type = T.CommitHash;
    } else if (c === '-') {
      if (t.type >= T.RevisionNo || this.s[this.pos + 1] !== 'r') return this.invalid();
      this.pos += 2;
      this.digits(T.RevisionNo);
    } else this.invalid();
  }

  private invalid(): void {
    this.tok.type = T.Invalid;
  }
}

function bytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareToken(a: Tok, b: Tok): number {
  switch (a.type) {
    case T.Digit:
      if (a.value.startsWith('0') || b.value.startsWith('0')) return bytes(a.value, b.value);
      return compareDigits(a.value, b.value);
    case T.InitialDigit:
    case T.SuffixNo:
    case T.RevisionNo:
      return compareDigits(a.value, b.value);
    case T.Letter:
      return bytes(a.value, b.value);
    case T.Suffix:
      return Math.sign(a.suffix - b.suffix);
    default:
      return bytes(a.value, b.value);
  }
}

/** Whether apk-tools accepts `v` as a package version (apk_version_validate). */
export function isValidApk(v: string): boolean {
  const l = new Lexer(v);
  while (l.tok.type < T.End) l.next();
  return l.tok.type === T.End;
}

export function parseApk(v: string): string {
  if (!isValidApk(v)) throw invalidVersion('apk', v, 'not of the form 1.2.3[a][_suffixN][~hash][-rN]');
  return v;
}

export function compareApk(a: string, b: string): number {
  if (a === '' || b === '') throw invalidVersion('apk', a === '' ? a : b, 'empty');
  const x = new Lexer(a);
  const y = new Lexer(b);
  while (x.tok.type === y.tok.type && x.tok.type < T.End) {
    const c = compareToken(x.tok, y.tok);
    if (c !== 0) return c;
    x.next();
    y.next();
  }
  const p = x.tok;
  const q = y.tok;
  if (p.type === q.type) return 0;
  if (p.type === T.Suffix && p.suffix < SUFFIX_NONE) return -1;
  if (q.type === T.Suffix && q.suffix < SUFFIX_NONE) return 1;
  return p.type > q.type ? -1 : 1;
}

export const apkScheme: VersionScheme = { id: 'apk', parse: parseApk, tryParse: (v) => tryOr(() => parseApk(v)), compare: compareApk };
