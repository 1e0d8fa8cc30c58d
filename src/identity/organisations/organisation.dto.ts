import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from './form-input';

// Limits here are generous and only keep absurd input out; the service applies the real rules
// (1–200 characters for a name…) so that a form can show them beside the field.

/** Creating an organisation, and changing one (the edit form sends every field; the API may leave some out). */
export class OrganisationDto {
  @IsString() @MaxLength(2000) name!: string;
  @IsOptional() @IsString() @MaxLength(2000) code?: string;
  /** One per line (the form), or a JSON list (joined here into the same text). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join('\n') : value))
  @IsString()
  @MaxLength(20000)
  emailDomains?: string;
  @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @Checkbox() @IsBoolean() selfRegistration?: boolean;
  @IsOptional() @Checkbox() @IsBoolean() requestsShared?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

/** A department: its name and, optionally, the department it sits in. */
export class DepartmentDto {
  @IsString() @MaxLength(2000) name!: string;
  /** The parent department's id; blank for a top-level department. */
  @IsOptional() @IsString() @MaxLength(100) parentId?: string;
  @IsOptional() @IsString() _csrf?: string;
}

/** A location: its name and postal address. */
export class LocationDto {
  @IsString() @MaxLength(2000) name!: string;
  @IsOptional() @IsString() @MaxLength(20000) address?: string;
  @IsOptional() @IsString() _csrf?: string;
}
