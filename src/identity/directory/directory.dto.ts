import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { NESTED_GROUPS_MODES, type NestedGroups } from '../ldap';
import { Checkbox } from '../organisations/form-input';
import type { DirectoryInput } from './directory.service';

// Generous limits that only keep absurd input out; the LDAP layer's parser applies the real rules
// and names the field, so the form can show the problem.

/** A directory's settings form (and the fields the CLI and tests give). */
export class DirectoryDto {
  @IsString() @MaxLength(200) name!: string;
  @IsString() @MaxLength(2000) url!: string;
  @IsOptional() @Checkbox() @IsBoolean() startTls?: boolean;
  @IsOptional() @IsString() @MaxLength(2000) caFile?: string;
  @IsOptional() @IsString() @MaxLength(2000) bindDn?: string;
  /** Blank on the edit form keeps the stored password (which is never shown). */
  @IsOptional() @IsString() @MaxLength(1024) bindPassword?: string;
  @IsString() @MaxLength(2000) userSearchBase!: string;
  @IsOptional() @IsString() @MaxLength(4000) userFilter?: string;
  @IsOptional() @IsString() @MaxLength(4000) listFilter?: string;
  @IsOptional() @IsString() @MaxLength(200) usernameAttribute?: string;
  @IsOptional() @IsString() @MaxLength(200) displayNameAttribute?: string;
  @IsOptional() @IsString() @MaxLength(200) emailAttribute?: string;
  @IsString() @MaxLength(2000) groupSearchBase!: string;
  @IsOptional() @IsString() @MaxLength(4000) groupFilter?: string;
  @IsOptional() @IsString() @MaxLength(200) memberAttribute?: string;
  @IsOptional() @IsIn(NESTED_GROUPS_MODES) nestedGroups?: NestedGroups;
  @IsOptional() @IsString() @MaxLength(10) timeoutMs?: string;
  @IsOptional() @Checkbox() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

export class GroupMappingDto {
  @IsString() @MaxLength(2000) groupDn!: string;
  @IsOptional() @IsString() @MaxLength(100) role?: string;
  @IsOptional() @IsString() @MaxLength(200) workGroup?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class DirectoryTestDto {
  @IsOptional() @IsString() @MaxLength(2000) username?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class MoveDto {
  @IsIn(['up', 'down']) direction!: 'up' | 'down';
  @IsOptional() @IsString() _csrf?: string;
}

/** A blank field means "the default", which the parser fills in. */
const given = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** The form's fields as the service's input. */
export function directoryInputOf(dto: DirectoryDto): DirectoryInput {
  const timeout = given(dto.timeoutMs);
  return {
    name: dto.name.trim(),
    enabled: dto.enabled ?? false,
    url: dto.url.trim(),
    startTls: dto.startTls ?? false,
    caFile: given(dto.caFile),
    bindDn: dto.bindDn?.trim() ?? '',
    bindPassword: dto.bindPassword || undefined,
    userSearchBase: dto.userSearchBase.trim(),
    userFilter: given(dto.userFilter),
    listFilter: given(dto.listFilter),
    attributes: { username: given(dto.usernameAttribute), displayName: given(dto.displayNameAttribute), email: given(dto.emailAttribute) },
    groupSearchBase: dto.groupSearchBase.trim(),
    groupFilter: given(dto.groupFilter),
    memberAttribute: given(dto.memberAttribute),
    nestedGroups: dto.nestedGroups,
    timeoutMs: timeout === undefined ? undefined : Number(timeout),
  };
}
