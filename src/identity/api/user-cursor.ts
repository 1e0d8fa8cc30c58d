/**
 * The opaque cursor of the user list: the last row's sort key (lower(username), as PostgreSQL
 * computes it) in base64url. Anything encodeUserCursor could not have produced is refused.
 */
const BASE64URL = /^[A-Za-z0-9_-]{1,1000}$/;
const MAX_KEY = 200;

export function encodeUserCursor(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

export function decodeUserCursor(cursor: string): string | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || [...key].length > MAX_KEY || encodeUserCursor(key) !== cursor) return undefined;
  return key;
}
