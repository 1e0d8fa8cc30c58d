/**
 * The keyset position of a row in the newest-first list: its time to the microsecond (as
 * PostgreSQL keeps it; a JavaScript Date would round it to milliseconds and skip rows) and its id.
 */
export interface AuditPosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC. */
  readonly at: string;
  /** The row's bigint id, as decimal text. */
  readonly id: string;
}

const AT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d{6}Z$/;
const ID = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 2n ** 63n - 1n;
const BASE64URL = /^[A-Za-z0-9_-]{1,120}$/;

/** The opaque text carried in the "Older" link. */
export function encodeCursor(position: AuditPosition): string {
  return Buffer.from(`${position.at} ${position.id}`, 'utf8').toString('base64url');
}

/**
 * The position in a cursor, or undefined for anything encodeCursor could not have produced:
 * wrong alphabet, non-canonical base64, a time that is not a real one, an id out of range.
 */
export function decodeCursor(cursor: string): AuditPosition | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(' ');
  if (at === undefined || id === undefined || rest.length > 0) return undefined;
  const seconds = AT.exec(at)?.[1];
  if (!seconds || !ID.test(id) || BigInt(id) > MAX_BIGINT) return undefined;
  const date = new Date(`${seconds}Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== seconds) return undefined;
  const position = { at, id };
  return encodeCursor(position) === cursor ? position : undefined;
}
