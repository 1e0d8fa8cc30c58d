import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ROLES, type Role } from '../../kernel/security/roles';
import { API_SCOPE_NAMES, type ApiScope } from '../tokens/api-scopes';
import type { User } from '../user.entity';
import { USER_PAGE_MAX } from './user-api.service';

export const USER_PAGE_DEFAULT = 50;

/** A person as the API shows them. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'j.smith' }) username!: string;
  @ApiProperty({ example: 'Jane Smith' }) displayName!: string;
  @ApiProperty({ type: String, nullable: true, example: 'jane@example.com' }) email!: string | null;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'en' }) locale!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Europe/Kyiv' }) timeZone!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) organisationId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) departmentId!: string | null;
  @ApiProperty({ description: 'Signs in through a directory (LDAP / Active Directory)' }) fromDirectory!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;

  static from(user: User): UserDto {
    return Object.assign(new UserDto(), {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      roles: user.roles,
      active: user.active,
      locale: user.locale,
      timeZone: user.timeZone,
      organisationId: user.organisationId,
      departmentId: user.departmentId,
      fromDirectory: user.directoryId !== null,
      createdAt: user.createdAt,
    });
  }
}

/** The caller, and how the request was authenticated. */
export class MeDto extends UserDto {
  @ApiProperty({ enum: API_SCOPE_NAMES, isArray: true, nullable: true, description: "The token's scopes; null when signed in with a session" })
  scopes!: ApiScope[] | null;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}

/** The user list's query: keyset pages in user-name order, no total count. */
export class UserPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: USER_PAGE_MAX, default: USER_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(USER_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The previous page\'s nextCursor (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export class UserIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

/** A new person. Without a password they sign in through a directory or a link. */
export class NewUserBodyDto {
  @ApiProperty({ example: 'j.smith' }) @IsString() @MaxLength(200) username!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) displayName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) @IsOptional() @IsArray() @IsIn(ROLES, { each: true }) roles?: Role[];
  @ApiPropertyOptional({ description: 'Checked against the password policy' }) @IsOptional() @IsString() @MaxLength(1024) password?: string;
}

/** Changing a person; fields left out stay as they are. Organisation and department go by name (or the organisation's code); empty clears. */
export class UserChangesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) displayName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ example: 'ru' }) @IsOptional() @IsString() @MaxLength(20) locale?: string;
  @ApiPropertyOptional({ example: 'Asia/Tashkent' }) @IsOptional() @IsString() @MaxLength(100) timeZone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) organisation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) department?: string;
  @ApiPropertyOptional({ enum: ROLES, isArray: true }) @IsOptional() @IsArray() @IsIn(ROLES, { each: true }) roles?: Role[];
  @ApiPropertyOptional({ description: 'false deactivates the person and signs them out everywhere' }) @IsOptional() @IsBoolean() active?: boolean;
}
