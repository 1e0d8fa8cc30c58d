import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from '../organisations/form-input';

// Generous limits that keep absurd input out; the services apply the real rules beside the fields.

/** Checkboxes named `roles` arrive as one value or several (or none at all: the field is then absent). */
const AsList = () => Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]));

/** A person's record as the admin form sends it. */
export class PersonDto {
  @IsOptional() @IsString() @MaxLength(2000) displayName?: string;
  @IsOptional() @IsString() @MaxLength(2000) email?: string;
  @IsOptional() @IsString() @MaxLength(200) phone?: string;
  @IsOptional() @IsString() @MaxLength(20) locale?: string;
  @IsOptional() @IsString() @MaxLength(100) timeZone?: string;
  @IsOptional() @IsString() @MaxLength(2000) organisation?: string;
  @IsOptional() @IsString() @MaxLength(2000) department?: string;
  @IsOptional() @AsList() @IsArray() @IsString({ each: true }) @MaxLength(100, { each: true }) roles?: string[];
  @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

/** A new local person. */
export class NewPersonDto {
  @IsString() @MaxLength(2000) username!: string;
  @IsOptional() @IsString() @MaxLength(2000) displayName?: string;
  @IsOptional() @IsString() @MaxLength(2000) email?: string;
  @IsOptional() @AsList() @IsArray() @IsString({ each: true }) @MaxLength(100, { each: true }) roles?: string[];
  /** Blank: the person signs in through a directory or a link. */
  @IsOptional() @IsString() @MaxLength(5000) password?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class GroupByNameDto {
  @IsString() @MaxLength(2000) group!: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class AbsenceDto {
  @IsString() @MaxLength(40) kind!: string;
  @IsString() @MaxLength(40) from!: string;
  @IsString() @MaxLength(40) to!: string;
  @IsOptional() @IsString() @MaxLength(2000) substitute?: string;
  @IsOptional() @IsString() @MaxLength(5000) note?: string;
  @IsOptional() @IsString() _csrf?: string;
}
