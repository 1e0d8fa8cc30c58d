import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { I18nService } from '../i18n/i18n.service';
import { projectRoot } from '../paths';
import { createViewEngine } from './view-engine';
import type { LayoutViewModel } from './view-model';

// The kernel's real layouts and partials, rendered with the real translations.
const viewsDir = join(projectRoot(), 'views');
const engine = createViewEngine({ viewsDir, cache: true, i18n: new I18nService() });

const page: LayoutViewModel & Record<string, unknown> = {
  lang: 'ru',
  title: 'Заявки',
  csrfToken: 'tok"en',
  user: { displayName: 'Анна <admin>', username: 'anna' },
  nav: [
    { href: '/', label: 'Обзор', active: false },
    { href: '/tickets', label: 'Заявки', active: true },
  ],
  flash: [
    { kind: 'success', text: 'Сохранено' },
    { kind: 'error', text: '<b>Ошибка</b>' },
  ],
  slots: { layout_footer: '<span class="plugin-footer">plugin</span>' },
};

function templatesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('kernel views', () => {
  describe('main layout', () => {
    let html: string;
    beforeAll(async () => {
      html = await engine.renderView('errors/error', { ...page, layout: 'main', status: 404, message: 'Нет' });
    });

    it('sets the language and the title', () => {
      expect(html).toContain('<html lang="ru">');
      expect(html).toContain('<title>Заявки · Opora</title>');
    });

    it('shows the nav with the current page marked', () => {
      expect(html).toMatch(/<a class="mainnav__link" href="\/tickets" aria-current="page">Заявки<\/a>/);
      expect(html).toMatch(/<a class="mainnav__link" href="\/">Обзор<\/a>/);
    });

    it('shows the user, escaped, and a sign-out form with the CSRF token', () => {
      expect(html).toContain('Анна &lt;admin&gt;');
      expect(html).toMatch(/<form[^>]*method="post" action="\/logout">\s*<input type="hidden" name="_csrf" value="tok&quot;en">/);
      expect(html).toContain('Выйти');
    });

    it('offers every language by its own name', () => {
      for (const [code, name] of [['en', 'English'], ['ru', 'Русский'], ['uk', 'Українська'], ['uz', 'Oʻzbekcha']]) {
        expect(html).toContain(`href="?lang=${code}" lang="${code}" hreflang="${code}"`);
        expect(html).toContain(`>${name}</a>`);
      }
      expect(html).toMatch(/href="\?lang=ru"[^>]*aria-current="true"/);
    });

    it('shows flash messages escaped, errors as alerts', () => {
      expect(html).toContain('<p class="flash flash--success" role="status">Сохранено</p>');
      expect(html).toContain('<p class="flash flash--error" role="alert">&lt;b&gt;Ошибка&lt;/b&gt;</p>');
    });

    it('prints the footer slot', () => {
      expect(html).toContain('<span class="plugin-footer">plugin</span>');
    });

    it('offers sign-in to visitors', async () => {
      const visitor = await engine.renderView('errors/error', { lang: 'en', layout: 'main', message: 'x' });
      expect(visitor).toContain('href="/login"');
      expect(visitor).not.toContain('action="/logout"');
    });
  });

  describe('error page', () => {
    it('uses the bare layout and shows status, message and request id', async () => {
      const html = await engine.renderView('errors/error', {
        lang: 'uk',
        title: 'Помилка',
        status: 500,
        message: 'На сервері <сталася> помилка',
        requestId: 'req-42',
      });
      expect(html).toContain('class="bare"');
      expect(html).not.toContain('class="topbar"');
      expect(html).toContain('<p class="error-page__status">500</p>');
      expect(html).toContain('На сервері &lt;сталася&gt; помилка');
      expect(html).toContain('Номер запиту: req-42');
      expect(html).toContain('На головну сторінку');
    });
  });

  describe('form-field partial', () => {
    const render = (params: Record<string, unknown>, form: object = {}) =>
      engine.renderPartial('form-field', { lang: 'en', form, ...params });

    it('labels the input and keeps the submitted value', () => {
      const html = render({ name: 'username', label: 'Username', required: true, autocomplete: 'username' }, { values: { username: 'a"nna' } });
      expect(html).toContain('<label class="field__label" for="field-username">Username');
      expect(html).toMatch(/<input class="field__input" type="text" id="field-username" name="username" required autocomplete="username" value="a&quot;nna">/);
      expect(html).not.toContain('aria-invalid');
      expect(html).not.toContain('aria-describedby');
    });

    it('links the error message to the input', () => {
      const html = render({ name: 'subject', label: 'Subject', hint: 'Short' }, { errors: { subject: 'Too long <x>' } });
      expect(html).toContain('aria-invalid="true"');
      expect(html).toContain('aria-describedby="field-subject-hint field-subject-error"');
      expect(html).toContain('<p class="field__error" id="field-subject-error">Too long &lt;x&gt;</p>');
      expect(html).toContain('class="field field--invalid"');
    });

    it('never echoes a password', () => {
      const html = render({ name: 'password', label: 'Password', inputType: 'password' }, { values: { password: 'secret' } });
      expect(html).toContain('type="password"');
      expect(html).not.toContain('secret');
    });

    it('renders a textarea with the value as its content', () => {
      const html = render({ name: 'body', label: 'Text', inputType: 'textarea' }, { values: { body: 'line 1\nline 2' } });
      expect(html).toContain('name="body">line 1\nline 2</textarea>');
    });
  });

  it('has no inline scripts, inline styles or remote assets, for a strict CSP', () => {
    for (const file of templatesIn(viewsDir)) {
      const source = readFileSync(file, 'utf8');
      expect({ file, inlineScript: /<script(?![^>]*\ssrc=)[^>]*>/i.test(source) }).toEqual({ file, inlineScript: false });
      expect({ file, inlineStyle: /<style|\sstyle=|\son[a-z]+=/i.test(source) }).toEqual({ file, inlineStyle: false });
      expect({ file, remote: /(src|href)="(https?:)?\/\//i.test(source) }).toEqual({ file, remote: false });
    }
  });
});
