import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ASSIGNMENT_MODES } from './assignment-mode';
import type { PersonRef, WorkGroupDetails, WorkGroupListItem } from './work-group.service';
import type { WorkGroup } from './work-group.entity';

/** A person as a group names them. */
export class PersonRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'j.smith' }) username!: string;
  @ApiProperty({ example: 'Jane Smith' }) displayName!: string;

  static from(person: PersonRef): PersonRefDto {
    return Object.assign(new PersonRefDto(), { id: person.id, username: person.username, displayName: person.displayName });
  }
}

/** A work group in the list. */
export class WorkGroupSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Service desk' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: PersonRefDto, nullable: true }) lead!: PersonRefDto | null;
  @ApiProperty({ description: 'How many members the group has' }) members!: number;

  static from(row: WorkGroupListItem): WorkGroupSummaryDto {
    const lead = row.leadId ? PersonRefDto.from({ id: row.leadId, username: row.leadUsername ?? '', displayName: row.leadDisplayName ?? '' }) : null;
    return Object.assign(new WorkGroupSummaryDto(), { id: row.id, name: row.name, email: row.email, active: row.active, lead, members: row.members });
  }
}

export class WorkGroupPageDto {
  @ApiProperty({ type: [WorkGroupSummaryDto] }) items!: WorkGroupSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}

/** One work group with a page of its members. */
export class WorkGroupViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: PersonRefDto, nullable: true }) lead!: PersonRefDto | null;
  @ApiProperty({ type: [PersonRefDto] }) members!: PersonRefDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `membersCursor` for more members' }) nextMembersCursor!: string | null;

  static from(details: WorkGroupDetails): WorkGroupViewDto {
    return Object.assign(new WorkGroupViewDto(), {
      ...summaryOf(details.group),
      lead: details.lead ? PersonRefDto.from(details.lead) : null,
      members: details.members.rows.map((member) => PersonRefDto.from({ id: member.userId, username: member.username, displayName: member.displayName })),
      nextMembersCursor: details.members.next,
    });
  }
}

function summaryOf(group: WorkGroup) {
  return { id: group.id, name: group.name, description: group.description, email: group.email, active: group.active };
}

export class WorkGroupListQuery {
  @ApiPropertyOptional({ description: 'Groups whose name starts with this (any case)' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1200) cursor?: string;
}

export class WorkGroupViewQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1200) membersCursor?: string;
}

export class GroupIdParam {
  @IsUUID('all') id!: string;
}

export class GroupMemberParam {
  @IsUUID('all') id!: string;
  @IsUUID('all') userId!: string;
}

export class NewMemberDto {
  @ApiProperty({ example: 'j.smith' }) @IsString() @MaxLength(200) username!: string;
}

/** Creating a group, or changing one (fields left out stay as they are). */
export class WorkGroupBodyDto {
  @ApiPropertyOptional({ example: 'Service desk', description: 'Required when creating' }) @IsOptional() @IsString() @MaxLength(2000) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @ApiPropertyOptional({ description: 'The group mailbox address' }) @IsOptional() @IsString() @MaxLength(2000) email?: string;
  @ApiPropertyOptional({ description: "The lead's user name (a member; on creation they become the first member); empty for none" })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  lead?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ enum: ASSIGNMENT_MODES, description: 'How new tickets addressed to the group find a person' })
  @IsOptional()
  @IsIn(ASSIGNMENT_MODES)
  assignmentMode?: string;
  @ApiPropertyOptional({ description: 'The next line (a group name) that escalation sends tickets to; empty for none' }) @IsOptional() @IsString() @MaxLength(200) escalationGroup?: string;
}
