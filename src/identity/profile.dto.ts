import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LANGUAGES } from '../kernel/i18n/languages';

/** The "my profile" form: language and time zone (both shape every page the person sees). */
export class ProfileDto {
  @IsString() @IsIn([...LANGUAGES]) locale!: string;
  @IsString() @MaxLength(64) timeZone!: string;
  @IsOptional() @IsString() _csrf?: string;
}
