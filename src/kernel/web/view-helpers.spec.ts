import Handlebars from 'handlebars';
import { isActivePath, isTruthy, registerViewHelpers, type Translator } from './view-helpers';

// A translator that shows what it was asked, so tests see the language and vars the helper used.
const translator: Translator = {
  t: (lang, key, vars) => `${lang}:${key}${vars && Object.keys(vars).length ? JSON.stringify(vars) : ''}`,
};

function render(source: string, data: object = {}): string {
  const hbs = Handlebars.create();
  registerViewHelpers(hbs, translator);
  return hbs.compile(source)(data);
}

describe('view helpers', () => {
  it('are installed only in the environment given, never globally', () => {
    render('{{eq 1 1}}');
    expect(Handlebars.helpers['csrfField']).toBeUndefined();
  });

  describe('t', () => {
    it('translates in @root.lang with the hash as vars, also inside loops', () => {
      expect(render('{{t "nav.tickets"}}', { lang: 'ru' })).toBe('ru:nav.tickets');
      expect(render('{{#each items}}{{t "x" n=this}}{{/each}}', { lang: 'uk', items: [2] })).toBe('uk:x{&quot;n&quot;:2}');
    });

    it('defaults to English and escapes what the translation returns', () => {
      const hbs = Handlebars.create();
      registerViewHelpers(hbs, { t: () => '<b>bold</b>' });
      expect(hbs.compile('{{t "k"}}')({})).toBe('&lt;b&gt;bold&lt;/b&gt;');
      expect(render('{{t "k"}}')).toBe('en:k');
    });
  });

  describe('date', () => {
    const when = '2026-02-03T14:05:00Z';

    it('formats in the language and time zone of the page', () => {
      expect(render('{{date when "time"}}', { when, lang: 'en', timeZone: 'Asia/Tashkent' })).toBe('19:05');
      expect(render('{{date when style="long"}}', { when, lang: 'ru', timeZone: 'UTC' })).toContain('февраля');
    });

    it('prints nothing for a missing date and survives a bad zone', () => {
      expect(render('[{{date missing}}]', { lang: 'en' })).toBe('[]');
      expect(render('{{date when "time"}}', { when, lang: 'en', timeZone: 'Nowhere/Land' })).toBe('14:05');
    });
  });

  describe('eq, not, and, or', () => {
    it('compare strictly', () => {
      expect(render('{{#if (eq a "open")}}y{{else}}n{{/if}}', { a: 'open' })).toBe('y');
      expect(render('{{#if (eq a 1)}}y{{else}}n{{/if}}', { a: '1' })).toBe('n');
    });

    it('negate, treating an empty list as false like #if does', () => {
      expect(render('{{#if (not list)}}empty{{/if}}', { list: [] })).toBe('empty');
      expect(render('{{#if (not 0)}}zero{{/if}}')).toBe('zero');
      expect(render('{{#if (not "x")}}no{{else}}yes{{/if}}')).toBe('yes');
    });

    it('combine any number of values', () => {
      expect(render('{{#if (and a b c)}}all{{else}}not all{{/if}}', { a: 1, b: 'x', c: true })).toBe('all');
      expect(render('{{#if (and a b c)}}all{{else}}not all{{/if}}', { a: 1, b: '', c: true })).toBe('not all');
      expect(render('{{#if (or a b)}}some{{else}}none{{/if}}', { a: 0, b: [] })).toBe('none');
    });

    it('or gives the first true value, so it works as a default', () => {
      expect(render('{{or title "Untitled"}}', { title: '' })).toBe('Untitled');
      expect(render('{{or title "Untitled"}}', { title: 'Printer' })).toBe('Printer');
    });
  });

  describe('concat', () => {
    it('joins values into one text, leaving missing ones out', () => {
      expect(render('{{concat "roles." role}}', { role: 'agent' })).toBe('roles.agent');
      expect(render('{{concat "a" missing 3}}')).toBe('a3');
    });

    it('builds keys for t in a subexpression', () => {
      expect(render('{{t (concat "common." word)}}', { word: 'save', lang: 'en' })).toBe('en:common.save');
    });
  });

  describe('json', () => {
    it('prints JSON escaped for an HTML attribute, even in triple braces', () => {
      const data = { value: { name: '"><script>alert(1)</script>', n: 1 } };
      const html = render('<div data-x="{{json value}}"></div>', data);
      expect(html).not.toContain('<script>');
      expect(html).not.toMatch(/data-x="[^"]*"[^>]/);
      expect(render('{{{json value}}}', data)).not.toContain('<script>');
      // What the browser hands back from the attribute parses to the original.
      const attribute = /data-x="([^"]*)"/.exec(html)?.[1] ?? '';
      const decoded = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&amp;/g, '&');
      expect(JSON.parse(decoded)).toEqual(data.value);
    });

    it('prints null for what JSON cannot hold', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      expect(render('{{json value}}', { value: cyclic })).toBe('null');
      expect(render('{{json missing}}')).toBe('null');
    });
  });

  describe('slot', () => {
    it('prints the resolved HTML as is, from the root even inside a loop', () => {
      const data = { slots: { ticket_sidebar: '<aside>plugin</aside>' }, items: [1] };
      expect(render('{{#each items}}{{slot "ticket_sidebar"}}{{/each}}', data)).toBe('<aside>plugin</aside>');
    });

    it('prints nothing for an absent slot, no slots at all, or inherited names', () => {
      expect(render('[{{slot "other"}}]', { slots: { x: 'y' } })).toBe('[]');
      expect(render('[{{slot "x"}}]')).toBe('[]');
      expect(render('[{{slot "constructor"}}]', { slots: {} })).toBe('[]');
      expect(render('[{{slot "x"}}]', { slots: { x: 42 } })).toBe('[]');
    });
  });

  describe('csrfField', () => {
    it('prints the hidden input with the token escaped', () => {
      expect(render('{{csrfField}}', { csrfToken: 'a"b<c' })).toBe('<input type="hidden" name="_csrf" value="a&quot;b&lt;c">');
    });

    it('prints nothing without a token', () => {
      expect(render('[{{csrfField}}]')).toBe('[]');
    });
  });

  describe('active', () => {
    it('follows the explicit flag when the controller set one', () => {
      expect(render('{{#if (active "/x" true)}}on{{/if}}', { currentPath: '/y' })).toBe('on');
      expect(render('{{#if (active "/x" false)}}on{{else}}off{{/if}}', { currentPath: '/x' })).toBe('off');
    });

    it('otherwise compares with @root.currentPath', () => {
      const nav = [{ href: '/' }, { href: '/tickets' }, { href: '/admin' }];
      const source = '{{#each nav}}{{#if (active href this.active)}}[{{href}}]{{/if}}{{/each}}';
      expect(render(source, { nav, currentPath: '/tickets/42' })).toBe('[/tickets]');
      expect(render(source, { nav, currentPath: '/' })).toBe('[/]');
      expect(render('{{#if (active "/tickets" exact=true)}}on{{else}}off{{/if}}', { currentPath: '/tickets/42' })).toBe('off');
    });
  });

  describe('languageChoices', () => {
    it('lists every language named in itself, marking the current one', () => {
      const html = render('{{#each (languageChoices)}}{{code}}={{label}}{{#if active}}*{{/if}};{{/each}}', { lang: 'uk' });
      expect(html).toBe('en=en:language.name;ru=ru:language.name;uk=uk:language.name*;uz=uz:language.name;');
    });
  });
});

describe('isActivePath', () => {
  it('matches the page itself and pages below it, at segment boundaries', () => {
    expect(isActivePath('/tickets', '/tickets')).toBe(true);
    expect(isActivePath('/tickets/42?tab=history', '/tickets')).toBe(true);
    expect(isActivePath('/ticketsarchive', '/tickets')).toBe(false);
    expect(isActivePath('/tickets', '/')).toBe(false);
    expect(isActivePath('/', '/')).toBe(true);
    expect(isActivePath(undefined, '/')).toBe(false);
    expect(isActivePath('/admin/plugins', '/admin/')).toBe(true);
  });
});

describe('isTruthy', () => {
  it('is JavaScript truthiness except that an empty list is false', () => {
    expect([[], [0], '', 'a', 0, 1, null, {}].map(isTruthy)).toEqual([false, true, false, true, false, true, false, true]);
  });
});

describe('fileSize', () => {
  it('picks the largest unit that keeps the number at least 1, in the page language', () => {
    expect(render('{{fileSize n}}', { n: 0, lang: 'en' })).toBe('0 byte');
    expect(render('{{fileSize n}}', { n: 1536, lang: 'en' })).toBe('1.5 kB');
    expect(render('{{fileSize n}}', { n: 3 * 1024 * 1024, lang: 'ru' })).toBe('3 МБ');
    expect(render('{{fileSize n}}', { n: -1, lang: 'en' })).toBe('');
  });
});
