import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class LinkDto {
  @ApiProperty({ example: 'INC-42', description: 'The other ticket' }) @IsString() @MaxLength(40) other!: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class MergeDto {
  @ApiProperty({ example: 'INC-42', description: 'The ticket that carries on' }) @IsString() @MaxLength(40) into!: string;
  @ApiProperty({ description: "This ticket's version as last seen (optimistic locking)" }) @Type(() => Number) @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() _csrf?: string;
}

export class SplitDto {
  @ApiProperty({ description: 'Subject of the new ticket' }) @IsString() @MaxLength(2000) subject!: string;
  @IsOptional() @IsString() _csrf?: string;
}
