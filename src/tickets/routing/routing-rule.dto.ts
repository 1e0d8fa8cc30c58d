import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from '../../identity/organisations/form-input';

/** A checkbox group as a form sends it: absent, one value, or several. */
const List = () => Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]));

/** A routing rule from the admin form or the API: lists of choices as arrays, typed lists as text. */
export class RoutingRuleDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional() @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ description: 'Stop evaluating further rules when this one matches' }) @IsOptional() @Checkbox() @IsBoolean() stop?: boolean;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @List() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) channels?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @List() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) types?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Service ids' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) serviceIds?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Organisation ids' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) organisationIds?: string[];
  @ApiPropertyOptional({ description: 'Mailbox addresses, comma-separated' }) @IsOptional() @IsString() @MaxLength(20000) mailboxes?: string;
  @ApiPropertyOptional({ description: 'Addresses or domains of the requester, comma-separated' }) @IsOptional() @IsString() @MaxLength(20000) senders?: string;
  @ApiPropertyOptional({ description: 'Words or phrases, one a line or comma-separated' }) @IsOptional() @IsString() @MaxLength(20000) keywords?: string;
  @ApiPropertyOptional({ description: '#tags, space-separated' }) @IsOptional() @IsString() @MaxLength(20000) hashtags?: string;
  @ApiPropertyOptional({ description: 'Categories, comma-separated' }) @IsOptional() @IsString() @MaxLength(20000) categories?: string;
  @ApiPropertyOptional({ example: '09:00' }) @IsOptional() @IsString() @MaxLength(10) timeFrom?: string;
  @ApiPropertyOptional({ example: '18:00' }) @IsOptional() @IsString() @MaxLength(10) timeTo?: string;
  @ApiPropertyOptional({ example: 'Europe/Moscow' }) @IsOptional() @IsString() @MaxLength(100) timeZone?: string;
  @ApiPropertyOptional({ type: [String], description: 'ISO weekdays 1–7' }) @IsOptional() @List() @IsArray() @ArrayMaxSize(7) @IsString({ each: true }) days?: string[];
  @ApiPropertyOptional({ description: 'Set the work group (by name)' }) @IsOptional() @IsString() @MaxLength(200) group?: string;
  @ApiPropertyOptional({ description: 'Set the assignee (login)' }) @IsOptional() @IsString() @MaxLength(200) assignee?: string;
  @ApiPropertyOptional({ description: 'Set the priority, 1–5' }) @IsOptional() @IsString() @MaxLength(2) priority?: string;
  @ApiPropertyOptional({ description: 'Set the ticket type' }) @IsOptional() @IsString() @MaxLength(50) setType?: string;
  @ApiPropertyOptional({ description: 'Add tags, comma-separated' }) @IsOptional() @IsString() @MaxLength(5000) tags?: string;
  @ApiPropertyOptional({ description: 'Add watchers (logins), comma-separated' }) @IsOptional() @IsString() @MaxLength(5000) watchers?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class MoveDto {
  @IsIn(['up', 'down']) direction!: 'up' | 'down';
  @IsOptional() @IsString() _csrf?: string;
}
