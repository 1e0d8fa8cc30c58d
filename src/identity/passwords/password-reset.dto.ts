import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ForgotPasswordDto {
  @IsString() @MaxLength(2000) login!: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class ResetPasswordDto {
  @IsString() @MaxLength(5000) password!: string;
  @IsString() @MaxLength(5000) confirm!: string;
  @IsOptional() @IsString() _csrf?: string;
}
