import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { API_SCOPE_NAMES, type ApiScope } from '../tokens/api-scopes';
import type { ApiTokenView } from '../tokens/api-token.service';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'backup script', maxLength: 100 }) @IsString() @Length(1, 100) name!: string;

  @ApiProperty({ enum: API_SCOPE_NAMES, isArray: true, description: 'A token created with a token may not have scopes the calling token lacks' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(API_SCOPE_NAMES.length)
  @IsIn(API_SCOPE_NAMES, { each: true })
  scopes!: ApiScope[];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When the token stops working; absent for never' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

/** A token as its owner sees it; the secret is never shown again after creation. */
export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'opora_Ab3dEf9h', description: 'The first characters of the token, to tell tokens apart' }) prefix!: string;
  @ApiProperty({ enum: API_SCOPE_NAMES, isArray: true }) scopes!: ApiScope[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated at most once a minute' }) lastUsedAt!: Date | null;

  static from(view: ApiTokenView): ApiTokenDto {
    return Object.assign(new ApiTokenDto(), view);
  }
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The secret: shown this once, store it now', example: 'opora_Ab3dEf9h…' }) token!: string;
}

export class ApiTokenListDto {
  @ApiProperty({ type: [ApiTokenDto] }) items!: ApiTokenDto[];
}

export class ApiTokenIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}
