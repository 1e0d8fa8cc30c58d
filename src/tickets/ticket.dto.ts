import { Transform, Type } from 'class-transformer';
import { BULK_ACTIONS, type BulkAction } from './bulk-actions.service';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Checkbox } from '../identity/organisations/form-input';
import { TICKET_TYPES } from './ticket-types';

// Generous limits that keep absurd input out; the service applies the real rules beside the fields.

/** The new-ticket form. */
export class NewTicketDto {
  @IsString() @MaxLength(100) type!: string;
  @IsString() @MaxLength(2000) subject!: string;
  @IsOptional() @IsString() @MaxLength(200_000) description?: string;
  @IsOptional() @IsString() @MaxLength(320) requester?: string;
  /** Custom fields, sent as custom[key] (the multipart form groups them). */
  @IsOptional() @IsObject() custom?: Record<string, string>;
  /** The ticket template the form was started from (its tags are added). */
  @IsOptional() @IsString() @MaxLength(40) template?: string;
  /** The catalogue choice: "<service id>" or "<service id>:<component id>". */
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  @IsOptional() @IsString() @MaxLength(200) category?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) impact?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) urgency?: number;
  @IsOptional() @IsString() @MaxLength(200) group?: string;
  @IsOptional() @IsString() @MaxLength(200) assignee?: string;
  @IsOptional() @IsString() @MaxLength(20) channel?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class MessageDto {
  @IsIn(['reply', 'note']) kind!: 'reply' | 'note';
  @IsString() @MaxLength(200_000) body!: string;
  @IsOptional() @Checkbox() @IsBoolean() signature?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

export class StatusDto {
  @IsString() @MaxLength(100) status!: string;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() @MaxLength(100) resolutionCode?: string;
  @IsOptional() @IsString() @MaxLength(20_000) resolutionText?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class AssignDto {
  @IsOptional() @IsString() @MaxLength(200) group?: string;
  @IsOptional() @IsString() @MaxLength(200) assignee?: string;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class StarDto {
  @IsIn(['true', 'false']) starred!: 'true' | 'false';
  @IsOptional() @IsString() _csrf?: string;
}

export class WatchDto {
  @IsIn(['true', 'false']) watching!: 'true' | 'false';
  @IsOptional() @IsString() _csrf?: string;
}

export class CustomValuesDto {
  /** Sent as custom[key] by the multipart form. */
  @IsOptional() @IsObject() custom?: Record<string, string>;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class TagsDto {
  @IsString() @MaxLength(5000) tags!: string;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

/** Tickets ticked in a queue and what to do with them. */
export class BulkDto {
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])) @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(40, { each: true }) refs?: string[];
  @IsIn(BULK_ACTIONS) action!: BulkAction;
  @IsOptional() @IsString() @MaxLength(400) value?: string;
  @IsOptional() @IsString() @MaxLength(2000) back?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export const TYPE_CHOICES = TICKET_TYPES;
