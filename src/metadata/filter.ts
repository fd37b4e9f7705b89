/**
 * The `filter` of Grafeas list requests: the subset of the AIP-160 filtering language that
 * Grafeas clients send, parsed into a small AST (translated into SQL by filter-sql.ts).
 *
 * Grammar (https://google.aip.dev/160; as there, OR binds tighter than AND):
 *
 *     filter     := [ expression ]
 *     expression := sequence { AND sequence }      a sequence of terms without AND is an AND too
 *     sequence   := factor { factor }
 *     factor     := term { OR term }
 *     term       := NOT term | "(" expression ")" | comparison
 *     comparison := FIELD op VALUE                  op: = != < <= > >= :
 *     FIELD      := name { "." name }               snake_case or lowerCamelCase
 *     VALUE      := "string" | 'string' | word      word: a number, true, false, an enum name, *
 *
 * Fields are those of a per-collection table (`kind`, `resourceUri`, `noteName`, times, …) plus
 * any path inside the details (`vulnerability.effectiveSeverity`, `vulnerability.cvssScore`).
 * `a:"x"` is a substring match, `a:*` "is set", `=` with `*` in a string value is a wildcard
 * match. Anything else (functions, unknown fields, ordering on enums) is refused with
 * FILTER_INVALID (google.rpc INVALID_ARGUMENT), never silently ignored.
 */
import { PortcullisError } from '../core/index.js';
import { snakeToCamel } from './proto-json.js';
import { unstorableReason } from './storable.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

export interface FilterValue {
  text: string;
  /** Given in quotes: always a string, never a number, boolean or `*`. */
  quoted: boolean;
}

export type FilterNode =
  | { type: 'and'; items: FilterNode[] }
  | { type: 'or'; items: FilterNode[] }
  | { type: 'not'; item: FilterNode }
  | { type: 'compare'; field: string[]; op: CompareOp; value: FilterValue };

interface Token {
  kind: 'word' | 'string' | 'op' | '(' | ')';
  text: string;
  pos: number;
}

const MAX_FILTER_LENGTH = 8192;
const MAX_DEPTH = 64;

export function filterError(message: string, hint?: string): never {
  throw new PortcullisError({
    code: 'FILTER_INVALID',
    message,
    hint:
      hint ??
      'Supported: FIELD = "value", !=, <, <=, >, >=, FIELD:"substring", FIELD:*, AND, OR, NOT and parentheses.',
  });
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ kind: c, text: c, pos: i });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=') {
      out.push({ kind: 'op', text: two, pos: i });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === ':') {
      out.push({ kind: 'op', text: c, pos: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= src.length) filterError(`Unterminated string starting at position ${i + 1} of the filter`);
        const d = src[j]!;
        if (d === '\\') {
          if (j + 1 >= src.length)
            filterError(`Unterminated string starting at position ${i + 1} of the filter`);
          text += src[j + 1];
          j += 2;
          continue;
        }
        if (d === c) break;
        text += d;
        j++;
      }
      out.push({ kind: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    if (c === '!') filterError(`Unexpected "!" at position ${i + 1} of the filter`);
    let j = i;
    while (j < src.length && !/[\s()=<>!:"']/.test(src[j]!)) j++;
    out.push({ kind: 'word', text: src.slice(i, j), pos: i });
    i = j;
  }
  return out;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);
/** A field path: dotted names (`vulnerability.effectiveSeverity`). */
export const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isKeyword(t: Token | undefined, kw: string): boolean {
    return t?.kind === 'word' && t.text === kw;
  }

  private where(t: Token | undefined): string {
    return t ? `at position ${t.pos + 1}` : 'at the end';
  }

  parse(): FilterNode | undefined {
    if (this.tokens.length === 0) return undefined;
    const e = this.expression();
    const t = this.peek();
    if (t) filterError(`Unexpected ${t.kind === ')' ? '")"' : `"${t.text}"`} ${this.where(t)} of the filter`);
    return e;
  }

  private startsTerm(t: Token | undefined): boolean {
    return !!t && (t.kind === '(' || (t.kind === 'word' && t.text !== 'AND' && t.text !== 'OR'));
  }

  private expression(): FilterNode {
    if (++this.depth > MAX_DEPTH) filterError('The filter is nested too deeply');
    const items = [this.sequence()];
    while (this.isKeyword(this.peek(), 'AND')) {
      this.i++;
      items.push(this.sequence());
    }
    this.depth--;
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private sequence(): FilterNode {
    const items = [this.factor()];
    while (this.startsTerm(this.peek())) items.push(this.factor());
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private factor(): FilterNode {
    const items = [this.term()];
    while (this.isKeyword(this.peek(), 'OR')) {
      this.i++;
      items.push(this.term());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private term(): FilterNode {
    const t = this.peek();
    if (!t) filterError('The filter ends where a comparison was expected');
    if (this.isKeyword(t, 'NOT')) {
      this.i++;
      if (++this.depth > MAX_DEPTH) filterError('The filter is nested too deeply');
      const item = this.term();
      this.depth--;
      return { type: 'not', item };
    }
    if (t.kind === '(') {
      this.i++;
      const e = this.expression();
      const close = this.peek();
      if (close?.kind !== ')')
        filterError(`Missing ")" ${this.where(close)} of the filter (opened at position ${t.pos + 1})`);
      this.i++;
      return e;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const f = this.peek()!;
    if (f.kind !== 'word' || KEYWORDS.has(f.text))
      filterError(`Expected a field name ${this.where(f)} of the filter, got "${f.text}"`);
    this.i++;
    const next = this.peek();
    if (next?.kind === '(')
      filterError(`Functions are not supported in filters ("${f.text}(…)" at position ${f.pos + 1})`);
    if (!FIELD_PATH.test(f.text))
      filterError(`Invalid field name "${f.text}" at position ${f.pos + 1} of the filter`);
    if (next?.kind !== 'op')
      filterError(
        `Expected an operator after "${f.text}" ${this.where(next)} of the filter`,
        'A bare word is not a filter: write FIELD = "value".',
      );
    this.i++;
    const v = this.peek();
    if (!v || (v.kind !== 'word' && v.kind !== 'string') || (v.kind === 'word' && KEYWORDS.has(v.text)))
      filterError(`Expected a value after "${f.text} ${next.text}" ${this.where(v)} of the filter`);
    this.i++;
    return {
      type: 'compare',
      field: f.text.split('.').map(snakeToCamel),
      op: next.text as CompareOp,
      value: { text: v.text, quoted: v.kind === 'string' },
    };
  }
}

/** Parses a filter; undefined for an empty one. Throws FILTER_INVALID. */
export function parseFilter(src: string | undefined): FilterNode | undefined {
  if (src === undefined) return undefined;
  if (src.length > MAX_FILTER_LENGTH)
    filterError(`The filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const why = unstorableReason(src);
  if (why) filterError(`The filter contains ${why}, which cannot be compared with stored text`);
  return new Parser(tokenize(src)).parse();
}
