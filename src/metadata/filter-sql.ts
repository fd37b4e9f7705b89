/**
 * The SQL translation of a parsed Grafeas list filter (see filter.ts for the language): a
 * parameterised condition over a collection's columns and its jsonb body.
 *
 * The SQL is shaped for the indexes of migration 0006-filters-occurrence-indexes: details paths
 * are inlined as literals (a bound path would not match an expression index), columns carry the
 * collation of their index, and a comparison is wrapped in `coalesce(…, false)` only under an
 * odd number of NOTs, where a NULL would otherwise flip to true. Elsewhere NULL and false both
 * leave the row out, so the bare comparison is the same and stays sargable.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { FIELD_PATH, filterError, type CompareOp, type FilterNode, type FilterValue } from './filter.js';
import { KIND_NAMES } from './kinds.js';
import { RFC3339 } from './schema.js';

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

