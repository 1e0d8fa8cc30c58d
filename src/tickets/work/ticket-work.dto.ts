import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class TransferDto {
  @ApiProperty({ description: 'Work group by name' }) @IsString() @MaxLength(200) group!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) reason?: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class EscalateDto {
  @ApiProperty({ enum: ['next_line', 'service_owner'] }) @IsIn(['next_line', 'service_owner']) to!: 'next_line' | 'service_owner';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) reason?: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class HandOverDto {
  @ApiProperty({ description: 'The external counterparty' }) @IsString() @MaxLength(2000) contractor!: string;
  @ApiPropertyOptional({ description: 'Contract or their ticket number' }) @IsOptional() @IsString() @MaxLength(2000) contractRef?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) reason?: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class WorkLogDto {
  @ApiProperty({ example: '1h 30m', description: 'Minutes, "1:30", "1h 30m", "1,5 ч" …' }) @IsString() @MaxLength(50) time!: string;
  @ApiPropertyOptional({ example: '2026-11-24', description: 'The day (default today, in your time zone)' }) @IsOptional() @IsString() @MaxLength(20) workedOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) note?: string;
  @IsOptional() @IsString() _csrf?: string;
}
