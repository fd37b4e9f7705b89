/**
 * The `filter` of Grafeas list requests: the subset of the AIP-160 filtering language that
 * Grafeas clients send, parsed into a small AST and translated into a parameterised SQL condition.
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
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { PortcullisError } from '../core/errors.js';
import { KIND_NAMES } from './kinds.js';
import { snakeToCamel } from './proto-json.js';
import { RFC3339 } from './schema.js';
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

function filterError(message: string, hint?: string): never {
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
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

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

// ---------------------------------------------------------------------------------------------
// SQL translation
//
// The SQL is shaped for the indexes of migration 0006-filters-occurrence-indexes: details paths
// are inlined as literals (a bound path would not match an expression index), columns carry the
// collation of their index, and a comparison is wrapped in `coalesce(…, false)` only under an
// odd number of NOTs, where a NULL would otherwise flip to true. Elsewhere NULL and false both
// leave the row out, so the bare comparison is the same and stays sargable.

export type FieldType = 'string' | 'kind' | 'timestamp';

export interface FieldSpec {
  type: FieldType;
  /** A SQL expression over the table's columns (fixed text from this table, never user input). */
  sql: string;
  /**
   * The expression is never NULL (NOT NULL columns and functions of them): its comparisons need
   * no `coalesce`, so they stay sargable and an index on the column serves them.
   */
  notNull?: boolean;
  /** An indexable condition equivalent to `sql = value` (for `=` without wildcards). */
  equals?: (value: string) => RawBuilder<SqlBool>;
}

export interface FilterFields {
  /** Top-level fields by lowerCamelCase name. */
  fields: Record<string, FieldSpec>;
  /** First path segments that reach into the jsonb `body` (details fields, envelope, …). */
  jsonRoots: readonly string[];
  /** The jsonb column. */
  bodyColumn: string;
  /**
   * The kind each details root belongs to (`vulnerability` → VULNERABILITY): a comparison on it
   * can only hold on rows of that kind, and saying so lets the partial indexes serve it.
   */
  kindOfRoot?: Readonly<Record<string, string>>;
}

function likePattern(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`).replace(/\*/g, '%');
}

function cmpSql(left: RawBuilder<unknown>, op: CompareOp, right: RawBuilder<unknown>): RawBuilder<SqlBool> {
  switch (op) {
    case '=':
      return sql<SqlBool>`${left} = ${right}`;
    case '!=':
      return sql<SqlBool>`${left} is distinct from ${right}`;
    case '<':
      return sql<SqlBool>`${left} < ${right}`;
    case '<=':
      return sql<SqlBool>`${left} <= ${right}`;
    case '>':
      return sql<SqlBool>`${left} > ${right}`;
    case '>=':
      return sql<SqlBool>`${left} >= ${right}`;
    case ':':
      throw new Error('unreachable: ":" is handled by the caller');
  }
}

function stringCompare(
  col: RawBuilder<unknown>,
  name: string,
  op: CompareOp,
  v: FilterValue,
  equals?: (value: string) => RawBuilder<SqlBool>,
): RawBuilder<SqlBool> {
  if (op === ':') {
    if (v.text === '*' && !v.quoted) return sql<SqlBool>`coalesce(${col}, '') <> ''`;
    return sql<SqlBool>`strpos(${col}, ${v.text}) > 0`;
  }
  if (op === '=' && v.text.includes('*')) return sql<SqlBool>`${col} like ${likePattern(v.text)}`;
  if (op === '!=' && v.text.includes('*')) return sql<SqlBool>`${col} not like ${likePattern(v.text)}`;
  if (op !== '=' && op !== '!=')
    filterError(`Operator "${op}" is not supported on "${name}"`, `Use =, != or ${name}:"substring".`);
  if (op === '=' && equals) return equals(v.text);
  return cmpSql(col, op, sql.val(v.text));
}

/** `body #>> '{a,b}'::text[]` with the path inlined (it is checked against FIELD_PATH). */
function jsonPath(body: string, field: string[], asText: boolean): RawBuilder<unknown> {
  const path = `{${field.join(',')}}`;
  if (!FIELD_PATH.test(field.join('.'))) throw new Error('unreachable: field paths are checked by the parser');
  return sql`(${sql.raw(body)} ${sql.raw(asText ? '#>>' : '#>')} ${sql.lit(path)}::text[])`;
}

function compareSql(node: Extract<FilterNode, { type: 'compare' }>, spec: FilterFields): RawBuilder<SqlBool> {
  const name = node.field.join('.');
  const { op, value } = node;
  const field = node.field.length === 1 ? spec.fields[node.field[0]!] : undefined;
  if (field) {
    const col = sql.raw(field.sql);
    switch (field.type) {
      case 'string':
        return stringCompare(col, name, op, value, field.equals);
      case 'kind':
        if (op !== '=' && op !== '!=')
          filterError(
            `Operator "${op}" is not supported on "${name}"`,
            'Use kind = "VULNERABILITY" or kind != "…".',
          );
        if (!KIND_NAMES.includes(value.text))
          filterError(`Unknown kind "${value.text}" in the filter`, `Kinds: ${KIND_NAMES.join(', ')}.`);
        return cmpSql(col, op, sql.val(value.text));
      case 'timestamp':
        if (op === ':') {
          if (value.text === '*' && !value.quoted) return sql<SqlBool>`${col} is not null`;
          filterError(
            `Operator ":" is not supported on "${name}"`,
            `Compare times: ${name} >= "2024-01-01T00:00:00Z".`,
          );
        }
        if (!RFC3339.test(value.text) || Number.isNaN(Date.parse(value.text)))
          filterError(
            `"${value.text}" is not an RFC 3339 timestamp (for "${name}")`,
            'Write it quoted, e.g. "2024-01-01T00:00:00Z".',
          );
        return cmpSql(col, op, sql`${value.text}::timestamptz`);
    }
  }
  if (node.field.length > 1 && spec.jsonRoots.includes(node.field[0]!)) {
    const text = jsonPath(spec.bodyColumn, node.field, true);
    const json = jsonPath(spec.bodyColumn, node.field, false);
    if (op === ':') {
      if (value.text === '*' && !value.quoted) return sql<SqlBool>`${json} is not null`;
      return sql<SqlBool>`strpos(${text}, ${value.text}) > 0`;
    }
    const literal =
      !value.quoted &&
      (value.text === 'true' || value.text === 'false' || /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.text));
    if (op === '=' || op === '!=') {
      if (literal) return cmpSql(json, op, sql`${value.text}::jsonb`);
      return stringCompare(text, name, op, value);
    }
    if (!literal || value.text === 'true' || value.text === 'false')
      filterError(`Operator "${op}" needs a number (for "${name}")`, `e.g. ${name} >= 7.5`);
    return cmpSql(
      sql`(case when jsonb_typeof(${json}) = 'number' then ${text}::numeric end)`,
      op,
      sql`${value.text}::numeric`,
    );
  }
  const known = [...Object.keys(spec.fields), ...spec.jsonRoots.map((r) => `${r}.…`)];
  filterError(`Unknown filter field "${name}"`, `Fields: ${known.join(', ')}.`);
}

/**
 * A SQL condition for the filter (true for an empty one). Throws FILTER_INVALID. A missing field
 * makes a comparison false (and its NOT true), never NULL.
 */
export function filterToSql(node: FilterNode | undefined, spec: FilterFields, negated = false): RawBuilder<SqlBool> {
  if (!node) return sql<SqlBool>`true`;
  switch (node.type) {
    case 'and':
      return sql<SqlBool>`(${sql.join(
        node.items.map((n) => filterToSql(n, spec, negated)),
        sql` and `,
      )})`;
    case 'or':
      return sql<SqlBool>`(${sql.join(
        node.items.map((n) => filterToSql(n, spec, negated)),
        sql` or `,
      )})`;
    case 'not':
      return sql<SqlBool>`(not ${filterToSql(node.item, spec, !negated)})`;
    case 'compare': {
      // Under an even number of NOTs a NULL comparison leaves the row out just as false does;
      // under an odd one it must be false, or NOT would turn it into "left out" too.
      const field = node.field.length === 1 ? spec.fields[node.field[0]!] : undefined;
      // (Not for `!=`: a row without the field matches it.)
      const kind = node.field.length > 1 && node.op !== '!=' ? spec.kindOfRoot?.[node.field[0]!] : undefined;
      if (kind && !negated) return sql<SqlBool>`(kind = ${sql.lit(kind)} and ${compareSql(node, spec)})`;
      if (field?.notNull || !negated) return compareSql(node, spec);
      return sql<SqlBool>`coalesce(${compareSql(node, spec)}, false)`;
    }
  }
}

export { NOTE_FILTER_FIELDS, OCCURRENCE_FILTER_FIELDS } from './filter-fields.js';
