import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiV1Controller, RequireScope } from '../../identity/tokens/api-scope';
import { CallerLookupService, type Caller } from './caller-lookup.service';

class CallerQueryDto {
  @ApiProperty({ description: 'Phone number (matched by how it ends), or the start of a name, login or e-mail' }) @IsString() @MaxLength(100) q!: string;
}

class CallerDto {
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) organisation!: string | null;
  @ApiProperty({ description: 'Latest five requests' }) recent!: Caller['recent'];
}

/** /api/v1/callers: who is on the line, for phone and walk-in registration by staff. */
@ApiV1Controller('callers', 'tickets')
export class CallerLookupApiController {
  constructor(private readonly callers: CallerLookupService) {}

  @Get()
  @RequirePermission('tickets.work')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: 'Find a caller and see their latest requests' })
  @ApiOkResponse({ type: [CallerDto] })
  async find(@Query() query: CallerQueryDto): Promise<CallerDto[]> {
    return (await this.callers.find(query.q)).map(({ id: _id, ...caller }) => caller);
  }
}
