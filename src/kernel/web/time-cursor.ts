/*
 * The cursor of a newest-first list ordered by a timestamp and a uuid: the row's time to the
 * microsecond (as PostgreSQL keeps it; a JavaScript Date would round it and skip rows) and its
 * id, as opaque base64url text for a "next page" link.
 */

export interface TimePosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC. */
  at: string;
  id: string;
}

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The SQL that gives a row's time in the cursor's form, for the select list. */
export const cursorTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeTimeCursor(position: TimePosition): string {
  return Buffer.from(`${position.at} ${position.id}`, 'utf8').toString('base64url');
}

/** The position in a cursor, or undefined for anything encodeTimeCursor could not have made. */
export function decodeTimeCursor(cursor: string): TimePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { at: match[1]!, id: match[2]! } : undefined;
}
