import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { I18nService } from '../i18n/i18n.service';
import { projectRoot } from '../paths';
import { registerViewHelpers } from '../web/view-helpers';

/** A message as its template made it, in one language. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string | null;
}

type Compiled = (context: object) => string;

/**
 * E-mail templates: views/emails/<name>.subject.hbs, <name>.text.hbs and optionally <name>.html.hbs,
 * written with i18n keys ({{t "..."}}) so one template serves every language; the recipient's
 * language is chosen per message. The text part is not HTML-escaped; the HTML part is.
 */
@Injectable()
export class MailTemplates {
  private readonly text = Handlebars.create();
  private readonly html = Handlebars.create();
  private readonly cache = new Map<string, Compiled | null>();
  private readonly dir = join(projectRoot(), 'views', 'emails');

  constructor(i18n: I18nService) {
    registerViewHelpers(this.text, i18n);
    registerViewHelpers(this.html, i18n);
  }

  /** The templates there are (each has at least a subject and a text part), by name. */
  names(): string[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.subject.hbs'))
      .map((file) => file.slice(0, -'.subject.hbs'.length))
      .filter((name) => /^[a-z0-9-]+$/.test(name) && existsSync(join(this.dir, `${name}.text.hbs`)))
      .sort();
  }

  render(name: string, lang: string, vars: Record<string, unknown>): RenderedMail {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad mail template name "${name}"`);
    const context = { ...vars, lang };
    const subject = this.compiled(name, 'subject', true);
    const text = this.compiled(name, 'text', true);
    if (!subject || !text) throw new Error(`mail template "${name}" needs ${name}.subject.hbs and ${name}.text.hbs in ${this.dir}`);
    const html = this.compiled(name, 'html', false);
    return { subject: subject(context).replace(/\s+/g, ' ').trim(), text: text(context), html: html ? html(context) : null };
  }

  private compiled(name: string, part: 'subject' | 'text' | 'html', plain: boolean): Compiled | null {
    const key = `${name}.${part}`;
    if (!this.cache.has(key)) {
      const file = join(this.dir, `${key}.hbs`);
      const env = plain ? this.text : this.html;
      this.cache.set(key, existsSync(file) ? env.compile(readFileSync(file, 'utf8'), { noEscape: plain, strict: false }) : null);
    }
    return this.cache.get(key)!;
  }
}
