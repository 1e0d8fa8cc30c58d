import { plainToInstance } from 'class-transformer';
import { IsIn, IsIP, IsISO8601, IsOptional, IsString, Matches, MaxLength, validate } from 'class-validator';
import { AUDIT_EVENT_FILTERS } from './audit-events';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The audit list's query string (a GET form, so links can be shared and bookmarked). Blank
 * fields count as absent. Other parameters (`lang`) belong to the rest of the page and are left alone.
 */
export class AuditQueryDto {
  @IsOptional() @IsString() @IsIn(AUDIT_EVENT_FILTERS) event?: string;
  @IsOptional() @IsString() @MaxLength(200) user?: string;
  @IsOptional() @IsString() @IsIP() ip?: string;
  @IsOptional() @IsString() @Matches(DAY) @IsISO8601({ strict: true }) from?: string;
  @IsOptional() @IsString() @Matches(DAY) @IsISO8601({ strict: true }) to?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

const FIELDS = ['event', 'user', 'ip', 'from', 'to', 'cursor'] as const;
type Field = (typeof FIELDS)[number];

/** The message (i18n key) for a field that failed. */
const FIELD_ERRORS: Record<Field, string> = {
  event: 'audit.errors.event',
  user: 'validation.too_long',
  ip: 'audit.errors.ip',
  from: 'audit.errors.date',
  to: 'audit.errors.date',
  cursor: 'audit.errors.cursor',
};

export interface CheckedAuditQuery {
  /** Valid only when `errors` is empty. */
  query: AuditQueryDto;
  /** What was typed, to show again in the form (text fields only). */
  values: Partial<Record<Field, string>>;
  /** i18n keys by field. */
  errors: Partial<Record<Field, string>>;
}

/**
 * Checks the query with the DTO's rules. Done here rather than by the global pipe because a bad
 * value must re-show the form with the typed values and a message, not an error page.
 */
export async function checkAuditQuery(raw: Record<string, unknown>): Promise<CheckedAuditQuery> {
  const values: CheckedAuditQuery['values'] = {};
  const given: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = raw[field];
    if (typeof value === 'string') {
      values[field] = value;
      if (value.trim() !== '') given[field] = value.trim();
    } else if (value !== undefined) {
      given[field] = value; // repeated or nested parameters fail @IsString
    }
  }
  const query = plainToInstance(AuditQueryDto, given);
  const errors: CheckedAuditQuery['errors'] = {};
  for (const failure of await validate(query, { whitelist: true })) {
    const field = failure.property as Field;
    errors[field] = FIELD_ERRORS[field];
  }
  return { query, values, errors };
}
