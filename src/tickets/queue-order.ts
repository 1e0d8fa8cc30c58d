/*
 * How a queue is sorted and paged. Every sort is a total order ending in the id, so a keyset
 * cursor (the last row's sort values and id) gives the next page without OFFSET and without
 * skipping or repeating rows when tickets change between pages. Each order has an index in the
 * migrations. Pure: SQL fragments and cursors.
 */

export const SORTS = ['updated', 'created', 'priority', 'due'] as const;
export type Sort = (typeof SORTS)[number];

export function isSort(value: unknown): value is Sort {
  return typeof value === 'string' && (SORTS as readonly string[]).includes(value);
}

interface Key {
  expression: string;
  direction: 'ASC' | 'DESC';
  /** The value as text for the cursor (timestamps to the microsecond, as PostgreSQL keeps them). */
  text: string;
  pattern: RegExp;
  cast: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const asText = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const time = (column: string, direction: 'ASC' | 'DESC'): Key => ({ expression: column, direction, text: asText(column), pattern: TIMESTAMP, cast: 'timestamptz' });

const KEYS: Record<Sort, Key[]> = {
  updated: [time('t.updated_at', 'DESC')],
  created: [time('t.created_at', 'DESC')],
  // Most urgent first (1 is the highest); within a priority, the most recently active.
  priority: [{ expression: 't.priority', direction: 'ASC', text: 't.priority::text', pattern: /^[1-5]$/, cast: 'smallint' }, time('t.updated_at', 'DESC')],
  // Nearest deadline first; tickets without one at the end.
  due: [
    {
      expression: `coalesce(t.resolution_due_at, 'infinity'::timestamptz)`,
      direction: 'ASC',
      text: `CASE WHEN t.resolution_due_at IS NULL THEN 'infinity' ELSE ${asText('t.resolution_due_at')} END`,
      pattern: /^(infinity|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)$/,
      cast: 'timestamptz',
    },
  ],
};

/** The id breaks ties, in the direction of the last key. */
const idKey = (sort: Sort) => KEYS[sort].at(-1)!.direction;

export interface Position {
  sort: Sort;
  values: string[];
  id: string;
}

export function orderBy(sort: Sort): string {
  return [...KEYS[sort].map((key) => `${key.expression} ${key.direction}`), `t.id ${idKey(sort)}`].join(', ');
}

/** The select-list item that yields a row's position (its sort values joined by "|"), as `position`. */
export function positionColumn(sort: Sort): string {
  return `${KEYS[sort].map((key) => key.text).join(` || '|' || `)} AS position`;
}

/**
 * Rows after `after` in the sort's order. Keys that share a direction compare as one row value
 * (which an index serves); a change of direction splits into "greater here, or equal here and
 * after in the rest".
 */
export function afterCondition(after: Position, param: (value: unknown) => string): string {
  const keys = KEYS[after.sort];
  const values = after.values.map((value, i) => `${param(value)}::${keys[i]!.cast}`);
  const idDirection = idKey(after.sort);
  const build = (from: number): string => {
    const direction = keys[from]!.direction;
    let end = from;
    while (end + 1 < keys.length && keys[end + 1]!.direction === direction) end += 1;
    const columns = keys.slice(from, end + 1).map((key) => key.expression);
    const bound = values.slice(from, end + 1);
    const op = direction === 'DESC' ? '<' : '>';
    if (end === keys.length - 1 && idDirection === direction) return `(${[...columns, 't.id'].join(', ')}) ${op} (${[...bound, `${param(after.id)}::uuid`].join(', ')})`;
    return `((${columns.join(', ')}) ${op} (${bound.join(', ')}) OR ((${columns.join(', ')}) = (${bound.join(', ')}) AND ${build(end + 1)}))`;
  };
  return build(0);
}

export function encodeCursor(sort: Sort, position: string, id: string): string {
  return Buffer.from(`${sort}|${position}|${id}`, 'utf8').toString('base64url');
}

/** A cursor back to its position, or undefined when it is not one this code made for this sort. */
export function decodeCursor(cursor: string, sort: Sort): Position | undefined {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) return undefined;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const keys = KEYS[sort];
  if (parts.length !== keys.length + 2 || parts[0] !== sort) return undefined;
  const values = parts.slice(1, -1);
  const id = parts.at(-1)!;
  if (values.some((value, i) => !keys[i]!.pattern.test(value)) || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
  return { sort, values, id };
}
