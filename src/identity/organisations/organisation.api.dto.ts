import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Organisation } from './organisation.entity';
import type { OrganisationListRow } from './organisation.repository';
import type { DepartmentNode, OrganisationDetails } from './organisation.service';

/** An organisation as the API shows it. */
export class OrganisationSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Northwind Ltd' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'NW' }) code!: string | null;
  @ApiProperty({ type: [String], description: 'Mail domains, in ASCII (punycode) form', example: ['northwind.example'] }) emailDomains!: string[];
  @ApiProperty() active!: boolean;

  static from(row: OrganisationListRow | Organisation): OrganisationSummaryDto {
    return Object.assign(new OrganisationSummaryDto(), { id: row.id, name: row.name, code: row.code, emailDomains: row.emailDomains, active: row.active });
  }
}

/** One organisation as the API shows it on its own: with whether self-registration is open. */
export class OrganisationDetailDto extends OrganisationSummaryDto {
  @ApiProperty() selfRegistration!: boolean;
  @ApiProperty({ description: "Its people see each other's requests in the portal" }) requestsShared!: boolean;

  static fromOrganisation(organisation: Organisation): OrganisationDetailDto {
    return Object.assign(new OrganisationDetailDto(), OrganisationSummaryDto.from(organisation), { selfRegistration: organisation.selfRegistration, requestsShared: organisation.requestsShared });
  }
}

export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationSummaryDto] }) items!: OrganisationSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}

export class DepartmentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) parentId!: string | null;
  @ApiProperty({ description: 'Depth in the tree; 0 for a top-level department' }) depth!: number;

  static from(node: DepartmentNode): DepartmentViewDto {
    return Object.assign(new DepartmentViewDto(), { id: node.id, name: node.name, parentId: node.parentId, depth: node.depth });
  }
}

export class LocationViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
}

/** One organisation with its department tree (parents before children) and locations. */
export class OrganisationViewDto extends OrganisationDetailDto {
  @ApiProperty({ type: [DepartmentViewDto] }) departments!: DepartmentViewDto[];
  @ApiProperty({ type: [LocationViewDto] }) locations!: LocationViewDto[];

  static fromDetails(details: OrganisationDetails): OrganisationViewDto {
    return Object.assign(new OrganisationViewDto(), OrganisationDetailDto.fromOrganisation(details.organisation), {
      departments: details.departments.map((node) => DepartmentViewDto.from(node)),
      locations: details.locations.map((location) => ({ id: location.id, name: location.name, address: location.address })),
    });
  }
}

export class OrganisationListQuery {
  @ApiPropertyOptional({ description: 'Organisations whose name starts with this, or whose code is this' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1200) cursor?: string;
}

export class OrganisationIdParam {
  @IsUUID('all') id!: string;
}

/** Creating an organisation, or changing one (fields left out stay as they are). */
export class OrganisationBodyDto {
  @ApiPropertyOptional({ description: 'Required when creating' }) @IsOptional() @IsString() @MaxLength(2000) name?: string;
  @ApiPropertyOptional({ description: 'Short code; empty for none' }) @IsOptional() @IsString() @MaxLength(2000) code?: string;
  @ApiPropertyOptional({ type: [String], description: 'Mail domains (Unicode or punycode)' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  emailDomains?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ description: 'People with an address in the mail domains may register themselves' }) @IsOptional() @IsBoolean() selfRegistration?: boolean;
  @ApiPropertyOptional({ description: "Its people see each other's requests in the portal" }) @IsOptional() @IsBoolean() requestsShared?: boolean;
}

export class DepartmentBodyDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The parent department; absent for a top-level one' }) @IsOptional() @IsUUID('all') parentId?: string;
}

export class LocationBodyDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) address?: string;
}
