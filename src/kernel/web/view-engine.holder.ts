import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { I18nService } from '../i18n/i18n.service';
import { projectRoot } from '../paths';
import { createViewEngine, type ViewEngine } from './view-engine';

/**
 * The process's one Handlebars environment, as a provider so plugins can register their partial
 * folders and render partials for their slots. Templates are cached outside development.
 */
@Injectable()
export class ViewEngineHolder {
  readonly engine: ViewEngine;

  constructor(i18n: I18nService) {
    this.engine = createViewEngine({
      viewsDir: join(projectRoot(), 'views'),
      cache: process.env.NODE_ENV !== 'development',
      i18n,
    });
  }
}
