import { IsOptional, IsString, MaxLength } from 'class-validator';

export class AddressDto {
  @IsString() @MaxLength(2000) email!: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class RegistrationDto {
  @IsString() @MaxLength(2000) email!: string;
  @IsString() @MaxLength(2000) displayName!: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class InvitationDto {
  @IsString() @MaxLength(2000) email!: string;
  @IsString() @MaxLength(2000) displayName!: string;
  @IsOptional() @IsString() @MaxLength(2000) organisation?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class AcceptInvitationDto {
  @IsOptional() @IsString() @MaxLength(5000) password?: string;
  @IsOptional() @IsString() @MaxLength(5000) confirm?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class EmptyFormDto {
  @IsOptional() @IsString() _csrf?: string;
}
