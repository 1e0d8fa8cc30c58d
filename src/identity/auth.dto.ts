import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The sign-in form. Limits are generous; the service refuses over-long values without hashing them. */
export class SignInDto {
  @IsString() @MaxLength(1000) username!: string;
  @IsString() @MaxLength(5000) password!: string;
  @IsOptional() @IsString() @MaxLength(2000) next?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class SetupDto {
  @IsString() @MaxLength(5000) password!: string;
  @IsString() @MaxLength(5000) confirm!: string;
  @IsOptional() @IsString() _csrf?: string;
}
