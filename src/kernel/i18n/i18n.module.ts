import { Global, Module } from '@nestjs/common';
import { I18nService } from './i18n.service';

/** Global: every area and plugin translates, and all must share the one set of strings. */
@Global()
@Module({ providers: [I18nService], exports: [I18nService] })
export class I18nModule {}
