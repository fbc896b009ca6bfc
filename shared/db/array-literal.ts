// A column of a batch as one query parameter: PostgreSQL's array literal ('{"a","b",NULL}', '{1,2.5,NULL}'),
// cast to the column's array type in the statement (arrayOf('uuid', ids): `$1::uuid[]`). node-pg and PGlite would
// turn a JS array into the same text themselves, element by element through their generic value conversion
// and two escaping passes: for a batch of 500 rows that was a fifth of the JavaScript of POST /sync.
import { type RawBuilder, sql } from 'kysely';

/** What a literal holds: null (and undefined) is SQL NULL; Dates go in as ISO 8601 text (toISOString). */
export type ArrayElement = string | number | boolean | null | undefined;

const ESCAPED = /[\\"]/g;
const isFiniteNumber = (value: ArrayElement) => typeof value === 'number' && Number.isFinite(value);

/**
 * The array literal of these values. Strings are always quoted ('""' is the empty string, '"NULL"' the word),
 * with backslash and double quote escaped; numbers print as JavaScript prints them, which float8 reads back
 * exactly (NaN and the infinities as PostgreSQL spells them).
 */
export function arrayLiteral(values: readonly ArrayElement[]): string {
  // A channel of samples: 36,000 readings and no gap, joined at once.
  if (values.every(isFiniteNumber)) return `{${values.join(',')}}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) out += ',';
    if (value === null || value === undefined) out += 'NULL';
    else if (typeof value === 'string') out += `"${value.includes('"') || value.includes('\\') ? value.replace(ESCAPED, '\\$&') : value}"`;
    else if (typeof value === 'number') out += Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    else out += value ? 't' : 'f';
  }
  return `${out}}`;
}

/** The column types batches pass as arrays. */
export type ArrayType = 'uuid' | 'text' | 'timestamptz' | 'date' | 'smallint' | 'integer' | 'float8' | 'jsonb' | 'boolean';

/**
 * `$n::type[]`, the parameter being the array literal of these values; a column of one repeated value (the batch's
 * user, its one source, a column of NULLs) is that value and a count instead (`array_fill`): less to build, send and
 * parse, the same array.
 */
export function arrayOf<T = unknown>(type: ArrayType, values: readonly ArrayElement[]): RawBuilder<T[]> {
  const first = values[0] ?? null;
  if (values.length > 1 && values.every((v) => (v ?? null) === first)) {
    return sql<T[]>`array_fill(${first}::${sql.raw(type)}, array[${values.length}::int])`;
  }
  return sql<T[]>`${arrayLiteral(values)}::${sql.raw(type)}[]`;
}

/** A batch's columns: `columnsOf(rows).uuid((r) => r.id)` is `$n::uuid[]` of every row's id, in row order. */
export function columnsOf<R>(rows: readonly R[]) {
  const of = (type: ArrayType) => (pick: (row: R) => ArrayElement) => arrayOf(type, rows.map(pick));
  return {
    uuid: of('uuid'),
    text: of('text'),
    timestamptz: of('timestamptz'),
    date: of('date'),
    smallint: of('smallint'),
    integer: of('integer'),
    float8: of('float8'),
    jsonb: of('jsonb'),
    boolean: of('boolean'),
  };
}
