import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from '../organisations/form-input';

// Limits here are generous and only keep absurd input out; the service applies the real rules
// (1–200 characters for a name…) so that a form can show them beside the field.

/** Creating a group, and changing one (the edit form sends every field; the API may leave some out). */
export class WorkGroupDto {
  @IsString() @MaxLength(2000) name!: string;
  @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @IsOptional() @IsString() @MaxLength(2000) email?: string;
  /** The lead's user name; blank for none. */
  @IsOptional() @IsString() @MaxLength(2000) lead?: string;
  @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() @MaxLength(50) assignmentMode?: string;
  @IsOptional() @IsString() @MaxLength(200) escalationGroup?: string;
  @IsOptional() @IsString() _csrf?: string;
}

/** Adding a member by user name. */
export class AddMemberDto {
  @IsString() @MaxLength(2000) username!: string;
  @IsOptional() @IsString() _csrf?: string;
}
