import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { Checkbox } from '../../identity/organisations/form-input';

export class ReplyTemplateDto {
  @IsString() @MaxLength(2000) name!: string;
  @IsString() @MaxLength(200_000) body!: string;
  @IsOptional() @Checkbox() @IsBoolean() shared?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

export class SignatureDto {
  @IsString() @MaxLength(20_000) signature!: string;
  @IsOptional() @IsString() _csrf?: string;
}
