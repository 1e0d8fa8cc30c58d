import { isUUID } from 'class-validator';
import { DomainError } from '../../kernel/web/domain-error';

/*
 * Helpers for records that carry a name unique in any case and are listed in name order:
 * organisations, their departments and locations, work groups. Pure functions, shared by the
 * services of these areas.
 */

export const MAX_NAME = 200;

/**
 * A refusal about one form field: the field's name travels in `vars.field`, so a page can show
 * the message beside that field and the API can name it.
 */
export function fieldError(code: string, i18nKey: string, field: string, status = 400, vars: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, i18nKey, status, { ...vars, field });
}

/** The field a refusal is about, if it is about one. */
export function fieldOf(error: DomainError): string | undefined {
  return typeof error.vars.field === 'string' ? error.vars.field : undefined;
}

/** Text with control characters (NUL, which PostgreSQL refuses in text, and the like) removed. */
export function withoutControls(text: string, keepLines = false): string {
  return keepLines ? text.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]/gu, '') : text.replace(/\p{Cc}/gu, '');
}

/** A name trimmed, with inner runs of white space made one space; 1–200 characters. */
export function checkName(raw: string | undefined, field = 'name'): string {
  const name = withoutControls((raw ?? '').replace(/\s+/gu, ' ')).trim();
  if (name === '') throw fieldError('name_required', 'validation.required', field);
  if ([...name].length > MAX_NAME) throw fieldError('name_too_long', 'validation.too_long', field, 400, { count: MAX_NAME });
  return name;
}

/** Optional free text, trimmed; at most `max` characters. */
export function checkText(raw: string | undefined, field: string, max: number): string {
  const text = withoutControls(raw ?? '', true).trim();
  if ([...text].length > max) throw fieldError('text_too_long', 'validation.too_long', field, 400, { count: max });
  return text;
}

/** Whether `id` can be a record id at all; anything else is answered as a missing record. */
export function isRecordId(id: string | undefined | null): id is string {
  return typeof id === 'string' && isUUID(id);
}

/** Where a name-ordered page stops: the row's lower(name) as PostgreSQL computed it, and its id. */
export interface NamePosition {
  readonly key: string;
  readonly id: string;
}

const MAX_CURSOR = 1200;

/** The opaque text of a "next page" link. */
export function encodeNameCursor(position: NamePosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id]), 'utf8').toString('base64url');
}

/** The position in a cursor, or undefined for text encodeNameCursor could not have produced. */
export function decodeNameCursor(cursor: string): NamePosition | undefined {
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [key, id] = parsed as unknown[];
  if (typeof key !== 'string' || !isRecordId(id as string)) return undefined;
  return { key, id: id as string };
}

/** A "name starts with" pattern for `lower(name) LIKE lower($1) || '%'`: LIKE's own characters escaped. */
export function prefixPattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Whether `error` is PostgreSQL refusing a duplicate in the named unique index or constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError ?? error;
  const { code, constraint: name } = (driverError ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && name === constraint;
}

/** A page of rows and the cursor of the next one (null on the last page). */
export interface NamePage<T> {
  rows: T[];
  next: string | null;
}

/** Cuts the one extra row a repository fetched (LIMIT n+1) and makes the next page's cursor. */
export function namePage<T extends { position: NamePosition }>(rows: T[], limit: number): NamePage<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > limit && last ? encodeNameCursor(last.position) : null };
}

/** The list's search text and cursor, checked: a cursor that is not one is refused, not ignored. */
export function listQuery(input: { q?: string; cursor?: string }, invalidCursorKey: string): { prefix?: string; after?: NamePosition } {
  const q = withoutControls(input.q ?? '').trim();
  const cursor = input.cursor ?? '';
  const after = cursor === '' ? undefined : decodeNameCursor(cursor);
  if (cursor !== '' && !after) throw new DomainError('cursor_invalid', invalidCursorKey, 400);
  return { ...(q === '' ? {} : { prefix: [...q].slice(0, MAX_NAME).join('') }), ...(after ? { after } : {}) };
}
