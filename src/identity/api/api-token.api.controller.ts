import { Body, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../tokens/api-scope';
import { ApiTokenService } from '../tokens/api-token.service';
import { ApiTokenDto, ApiTokenIdParam, ApiTokenListDto, CreateApiTokenDto, CreatedApiTokenDto } from './api-token.dto';

/** /api/v1/tokens: the caller's own API tokens. */
@ApiV1Controller('tokens', 'tokens')
export class ApiTokenApiController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Get()
  @RequirePermission('profile.edit')
  @RequireScope('tokens:read')
  @ApiOperation({ summary: "The caller's tokens that are not revoked, newest first (never their secrets)" })
  @ApiOkResponse({ type: ApiTokenListDto })
  async list(@Req() req: Request): Promise<ApiTokenListDto> {
    return { items: (await this.tokens.list(req.actor!.id)).map((view) => ApiTokenDto.from(view)) };
  }

  @Post()
  @RequirePermission('profile.edit')
  @RequireScope('tokens:write')
  @ApiOperation({ summary: 'Create a token for the caller; the answer holds the secret, shown this once' })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  async create(@Req() req: Request, @Body() body: CreateApiTokenDto): Promise<CreatedApiTokenDto> {
    const actor = req.actor!;
    const created = await this.tokens.create(actor.id, {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
      within: req.apiScopes,
      by: { actorId: actor.id, ip: req.ip },
    });
    return Object.assign(new CreatedApiTokenDto(), ApiTokenDto.from(created.record), { token: created.token });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('profile.edit')
  @RequireScope('tokens:write')
  @ApiOperation({ summary: 'Revoke one of the caller\'s tokens; it stops working at once' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such token among the caller\'s' })
  async revoke(@Req() req: Request, @Param() params: ApiTokenIdParam): Promise<void> {
    await this.tokens.revoke(req.actor!, params.id);
  }
}
