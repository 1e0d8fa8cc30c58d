import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from '../identity/organisations/form-input';

/** A checkbox group as a form sends it: absent, one value, or several. */
const List = () => Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]));

// Limits here only keep absurd input out; the service applies the real rules beside the fields.

/** A service, from the admin form or the API. */
export class ServiceDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @ApiPropertyOptional({ description: 'Login of the service owner' }) @IsOptional() @IsString() @MaxLength(200) owner?: string;
  @ApiPropertyOptional({ description: 'Work group (by name) that gets its tickets by default' }) @IsOptional() @IsString() @MaxLength(200) defaultGroup?: string;
  @ApiPropertyOptional() @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'Organisation ids that see it (no audience at all: everyone)' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) organisations?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Department ids that see it' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(5000) @IsString({ each: true }) departments?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Work group ids that see it' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) groups?: string[];
  @IsOptional() @IsString() _csrf?: string;
}

/** A component of a service. */
export class ComponentDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional({ description: 'Work group (by name); the service\'s when blank' }) @IsOptional() @IsString() @MaxLength(200) defaultGroup?: string;
  @ApiPropertyOptional() @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}
