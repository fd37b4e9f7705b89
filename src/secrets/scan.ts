/**
 * The secret scanner: one pure function over a text and the rule table.
 *
 * Speed comes from the keyword prefilter: the text is lower-cased once and each rule's keywords
 * are looked up with `indexOf`. A rule whose matches begin at a keyword (`anchor: 'keyword'`,
 * most of them) tries its regex once, sticky, at each hit; the others run their regex in windows
 * around the hits. Every rule quantifier is bounded, so each attempt costs at most the length of
 * the longest match. Matches go through the shared placeholder checks, the rule's allow lists and
 * its entropy minimum; overlapping matches keep the rule listed first in the table (specific
 * formats before generic assignments). The result holds only redacted text.
 */
import { SECRET_RULES } from './rules.js';
import type { SecretRule } from './types.js';
import type { SecretMatch } from '../core/index.js';

export interface ScanSecretsOptions {
  /** Rules to apply; default the built-in table. */
  rules?: readonly SecretRule[];
  /** Stop after this many matches in one text (default 1000). */
  maxMatches?: number;
}

/** Bytes looked at for NUL to decide that a file is binary. */
export const BINARY_SNIFF_BYTES = 8192;

/** Whether content looks binary: a NUL byte in its first 8 KiB. */
export function isBinary(content: Buffer | string): boolean {
  if (typeof content === 'string') return content.slice(0, BINARY_SNIFF_BYTES).includes('\0');
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * The one redaction used everywhere: the first 4 characters of a secret of 20 or more characters
 * (a token's well-known prefix, never enough to use it) followed by `*****`; shorter secrets are
 * fully masked. Leading whitespace and JSON `\n` escapes (PEM bodies) are dropped first.
 */
export function redactSecret(secret: string): string {
  const s = secret.replace(/^(?:\s|\\[nr])+/, '').trimEnd();
  return s.length >= 20 ? s.slice(0, 4) + '*****' : '*****';
}

/**
 * Values that are templates, documentation or filler rather than secrets, for every rule: AWS's
 * documented `…EXAMPLE` keys, `${VAR}` / `$(cmd)` / `{{ .Values.x }}` / `%(name)s` / `<password>`
 * references, runs of x / * / dots used as masks, and counting sequences.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /example/i,
  /\$\{|\$\(|\{\{|\}\}|%\(|<[A-Za-z0-9_ .-]{1,40}>/,
  /^\$[A-Za-z_]|^%[A-Za-z_]+%$/,
  /x{5,}|X{5,}|\*{3,}|\.{3}|#{4,}/,
  /0123456|1234567|abcdefg|ABCDEFG/,
];

/** Whether a candidate secret is a placeholder by the shared checks. */
export function isPlaceholder(secret: string): boolean {
  return PLACEHOLDERS.some((re) => re.test(secret));
}

const DEFAULT_WINDOW = { before: 64, after: 256 };
/**
 * Keyword occurrences considered per rule and text: bounds the regex work on adversarial input
 * (a 10 MiB file of `password=` repeated); real files stay far below it.
 */
export const MAX_HITS = 50_000;
const MAX_DISPLAY = 160;

interface Candidate {
  rule: number;
  start: number;
  end: number;
  secretStart: number;
  secretEnd: number;
  match: string;
}

/** Regexes with the `d` flag (match indices): global for window scans, sticky for anchored rules. */
const compiled = new WeakMap<RegExp, { global: RegExp; sticky: RegExp }>();
function variantsOf(re: RegExp): { global: RegExp; sticky: RegExp } {
  let c = compiled.get(re);
  if (!c) {
    const base = re.flags.replace(/[gyd]/g, '');
    c = { global: new RegExp(re.source, base + 'gd'), sticky: new RegExp(re.source, base + 'yd') };
    compiled.set(re, c);
  }
  return c;
}

/** ASCII-only lower-casing keeps offsets equal to the original's (String#toLowerCase may not). */
function lowerSameLength(text: string): string {
  const l = text.toLowerCase();
  return l.length === text.length ? l : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** All keywords of a rule table as one alternation (longest first), and who wants each. */
interface KeywordIndex {
  re: RegExp;
  /** Rule indices per keyword. */
  rules: Map<string, number[]>;
  /** Other keywords that are proper prefixes of a keyword (they match at the same offset). */
  prefixes: Map<string, string[]>;
}
const keywordIndexes = new WeakMap<readonly SecretRule[], KeywordIndex>();

function keywordIndexOf(rules: readonly SecretRule[]): KeywordIndex {
  let idx = keywordIndexes.get(rules);
  if (idx) return idx;
  const byKeyword = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const k of new Set(r.keywords)) byKeyword.set(k, [...(byKeyword.get(k) ?? []), i]);
  });
  const words = [...byKeyword.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const prefixes = new Map(words.map((w) => [w, words.filter((o) => o !== w && w.startsWith(o))]));
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '(?!)', 'g');
  idx = { re, rules: byKeyword, prefixes };
  keywordIndexes.set(rules, idx);
  return idx;
}

/**
 * Offsets of every rule's keywords in the lower-cased text, per rule index, ascending: one regex
 * pass for all keywords (an alternation of literals runs in native code, several times faster
 * than one `indexOf` pass per keyword), resuming one character after each hit so overlapping
 * keywords (`secret` inside `aws_secret`) are all seen. At most MAX_HITS per rule.
 */
function keywordHits(rules: readonly SecretRule[], lower: string): number[][] {
  const idx = keywordIndexOf(rules);
  const hits: number[][] = rules.map(() => []);
  const re = new RegExp(idx.re);
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    for (const k of [m[0], ...idx.prefixes.get(m[0])!]) {
      for (const ri of idx.rules.get(k)!) {
        const list = hits[ri]!;
        if (list.length < MAX_HITS && list[list.length - 1] !== m.index) list.push(m.index);
      }
    }
    re.lastIndex = m.index + 1;
  }
  return hits;
}

/** Keyword hits → merged [start, end) windows. */
function windowsFor(rule: SecretRule, hits: readonly number[]): [number, number][] {
  const w = rule.window ?? DEFAULT_WINDOW;
  const merged: [number, number][] = [];
  for (const h of hits) {
    const s = Math.max(0, h - w.before);
    const e = h + w.after;
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function secretSpan(m: RegExpExecArray): [number, number] | undefined {
  const ind = m.indices;
  if (!ind) return undefined;
  const named = ind.groups?.secret;
  if (named) return named;
  if (m.groups && 'secret' in m.groups) return undefined;
  for (let g = 1; g < ind.length; g++) if (ind[g]) return ind[g];
  return ind[0];
}

/** Characters of the identifier a match starts in (`DB_` of `DB_PASSWORD`, `postgres` of `postgres://`), shown for context. */
const LEFT_CONTEXT = /[A-Za-z0-9_.+-]/;
const LEFT_CONTEXT_MAX = 32;

function display(text: string, c: Omit<Candidate, 'match'>): string {
  let from = c.start;
  while (from > 0 && c.start - from < LEFT_CONTEXT_MAX && LEFT_CONTEXT.test(text[from - 1]!)) from--;
  const raw = text.slice(c.secretStart, c.secretEnd);
  const pre = text.slice(from, c.secretStart).replace(/\s+/g, ' ') + (/^\s/.test(raw) ? ' ' : '');
  const post = (/\s$/.test(raw) ? ' ' : '') + text.slice(c.secretEnd, c.end).replace(/\s+/g, ' ');
  const secret = redactSecret(raw);
  const room = Math.max(0, MAX_DISPLAY - secret.length);
  const p = pre.length + post.length <= room ? pre : '…' + pre.slice(Math.max(0, pre.length - Math.ceil(room / 2)));
  const q = p.length + post.length <= room ? post : post.slice(0, Math.max(0, room - p.length - 1)) + '…';
  return (p + secret + q).trim();
}

function accept(rule: SecretRule, secret: string, whole: string): boolean {
  if (isPlaceholder(secret)) return false;
  if (rule.allow?.some((re) => re.test(secret))) return false;
  if (rule.allowMatch?.some((re) => re.test(whole))) return false;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false;
  return true;
}

/**
 * Finds secrets in one text. `path` (root-relative or a pseudo-path such as `config:env/NAME`)
 * selects path-scoped rules. Binary content (NUL in the first 8 KiB) yields nothing; invalid
 * UTF-8 is decoded with replacement characters. Returned matches are redacted and sorted by line.
 */
export function scanSecrets(content: Buffer | string, path: string, opts: ScanSecretsOptions = {}): SecretMatch[] {
  if (isBinary(content)) return [];
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const rules = opts.rules ?? SECRET_RULES;
  const out: SecretMatch[] = [];
  let line = 1;
  let pos = 0;
  for (const c of findSecrets(text, path, rules, opts.maxMatches ?? 1000)) {
    for (let nl = text.indexOf('\n', pos); nl !== -1 && nl < c.start; nl = text.indexOf('\n', nl + 1)) line++;
    pos = c.start;
    const r = rules[c.rule]!;
    out.push({ ruleId: r.id, category: r.category, title: r.title, severity: r.severity, line, match: c.match });
  }
  return out;
}

/**
 * The text with every secret `scanSecrets` would report replaced by its redacted form, for
 * echoing text that holds secrets (image config environment, history) into a report.
 */
export function redactSecrets(text: string, path: string, opts: ScanSecretsOptions = {}): string {
  if (isBinary(text)) return text;
  const found = findSecrets(text, path, opts.rules ?? SECRET_RULES, opts.maxMatches ?? 1000).sort((a, b) => b.secretStart - a.secretStart);
  let out = text;
  for (const c of found) out = out.slice(0, c.secretStart) + redactSecret(out.slice(c.secretStart, c.secretEnd)) + out.slice(c.secretEnd);
  return out;
}

/** The accepted, non-overlapping candidates of a text, by offset. */
function findSecrets(text: string, path: string, rules: readonly SecretRule[], max: number): Candidate[] {
  const lower = lowerSameLength(text);
  const candidates: Candidate[] = [];

  const consider = (rule: SecretRule, ri: number, m: RegExpExecArray, offset: number): boolean => {
    const span = secretSpan(m);
    if (!span) return false;
    const secret = m.input.slice(span[0], span[1]);
    if (!accept(rule, secret, m[0])) return false;
    const c = { rule: ri, start: offset + m.index, end: offset + m.index + m[0].length, secretStart: offset + span[0], secretEnd: offset + span[1] };
    candidates.push({ ...c, match: display(text, c) });
    return true;
  };

  const allHits = keywordHits(rules, lower);
  // Candidates are capped (overlap resolution is quadratic in them); a text with that many
  // matches is reported with its first ones.
  const limit = max * 4;
  for (let ri = 0; ri < rules.length && candidates.length < limit; ri++) {
    const rule = rules[ri]!;
    const hits = allHits[ri]!;
    if (hits.length === 0) continue;
    if (rule.skipPaths?.test(path)) continue;
    if (rule.requireAll && !rule.requireAll.every((k) => lower.includes(k))) continue;
    const { global, sticky } = variantsOf(rule.regex);
    if (rule.anchor === 'keyword') {
      // Every match starts at a keyword: one sticky attempt per hit, on the whole text (so
      // look-behinds see the real neighbours); hits inside an accepted match are skipped.
      let end = -1;
      for (const h of hits) {
        if (candidates.length >= limit) break;
        if (h < end) continue;
        sticky.lastIndex = h;
        const m = sticky.exec(text);
        if (m && m[0].length > 0 && consider(rule, ri, m, 0)) end = h + m[0].length;
      }
      continue;
    }
    for (const [ws, we] of windowsFor(rule, hits)) {
      if (candidates.length >= limit) break;
      // One character of context on each side, so boundary assertions see the real neighbours;
      // a match touching that extra character lies outside the window and is not trusted.
      const s = Math.max(0, ws - 1);
      const e = Math.min(text.length, we + 1);
      const slice = text.slice(s, e);
      global.lastIndex = 0;
      for (let m = global.exec(slice); m && candidates.length < limit; m = global.exec(slice)) {
        if (m[0].length === 0) {
          global.lastIndex++;
          continue;
        }
        if ((s > 0 && m.index === 0) || (e < text.length && m.index + m[0].length === slice.length)) continue;
        consider(rule, ri, m, s);
      }
    }
  }

  // Overlaps: the rule listed first wins (candidates are in rule order already).
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (kept.some((k) => k.rule !== c.rule && k.secretStart < c.secretEnd && c.secretStart < k.secretEnd)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start || a.rule - b.rule);
  return kept.slice(0, max);
}
