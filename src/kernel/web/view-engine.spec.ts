import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import express from 'express';
import Handlebars from 'handlebars';
import request from 'supertest';
import { createViewEngine, type ViewEngine } from './view-engine';
import type { Translator } from './view-helpers';

const translator: Translator = { t: (lang, key) => `${lang}:${key}` };

let root: string;
let views: string;

function write(relativePath: string, content: string): string {
  const file = join(root, relativePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function engineWith(cache: boolean): ViewEngine {
  return createViewEngine({ viewsDir: views, cache, i18n: translator });
}

/** Express's way in: the callback form, with the fields Express adds to every render. */
function expressRender(engine: ViewEngine, file: string, data: object): Promise<string> {
  return new Promise((resolve, reject) =>
    engine.engine(file, { settings: { env: 'test' }, _locals: {}, cache: true, ...data }, (error, html) =>
      error ? reject(error) : resolve(html ?? ''),
    ),
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opora-views-'));
  views = join(root, 'views');
  write('views/layouts/main.hbs', '<main-layout lang="{{lang}}">{{{body}}}</main-layout>');
  write('views/layouts/bare.hbs', '<bare>{{{body}}}</bare>');
  write('views/partials/badge.hbs', '<b>{{text}}</b>');
  write('views/partials/tickets/row.hbs', '<tr>{{subject}}</tr>');
  write('views/home.hbs', '<p>{{greeting}}</p>');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('createViewEngine', () => {
  it('renders a view inside the main layout, through the Express callback', async () => {
    const html = await expressRender(engineWith(true), join(views, 'home.hbs'), { lang: 'uz', greeting: 'Salom' });
    expect(html).toBe('<main-layout lang="uz"><p>Salom</p></main-layout>');
  });

  it('does not hand Express internals to the templates', async () => {
    write('views/keys.hbs', '{{#each this}}{{@key}},{{/each}}');
    const html = await expressRender(engineWith(true), join(views, 'keys.hbs'), { layout: false, a: 1 });
    expect(html).toBe('layout,a,');
  });

  it('takes another layout or none from the view model', async () => {
    const engine = engineWith(true);
    expect(await engine.renderView('home', { greeting: 'hi', layout: 'bare' })).toBe('<bare><p>hi</p></bare>');
    expect(await engine.renderView('home', { greeting: 'hi', layout: false })).toBe('<p>hi</p>');
  });

  it('lets a view declare its layout on its first line, and the view model override it', async () => {
    write('views/errors/error.hbs', '{{!< bare}}\n<h1>{{status}}</h1>');
    const engine = engineWith(true);
    expect(await engine.renderView('errors/error', { status: 404 })).toBe('<bare><h1>404</h1></bare>');
    expect(await engine.renderView('errors/error', { status: 404, layout: 'main' })).toContain('<main-layout');
  });

  it('escapes {{values}} and leaves {{{body}}} to the layout', async () => {
    const html = await engineWith(true).renderView('home', { greeting: '<script>alert("x")</script>' });
    expect(html).toBe('<main-layout lang=""><p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p></main-layout>');
  });

  it('finds partials by file name and by folder/name', async () => {
    write('views/list.hbs', '{{> badge text="new"}}{{#each rows}}{{> tickets/row}}{{/each}}');
    const html = await engineWith(true).renderView('list', { layout: false, rows: [{ subject: 'Printer' }] });
    expect(html).toBe('<b>new</b><tr>Printer</tr>');
  });

  it('registers a plugin folder under its namespace, next to the kernel partials', async () => {
    const pluginDir = join(root, 'modules', 'telegram', 'views', 'partials');
    write('modules/telegram/views/partials/chat-link.hbs', '<a>{{t "plugin.telegram.chat"}}</a>{{> badge text="tg"}}');
    write('modules/telegram/views/partials/admin/status.hbs', '<i>{{state}}</i>');
    const engine = engineWith(true);
    engine.registerPartialsDir(pluginDir, 'telegram');
    write('views/page.hbs', '{{> telegram/chat-link}}{{> telegram/admin/status state="ok"}}');
    expect(await engine.renderView('page', { layout: false, lang: 'ru' })).toBe('<a>ru:plugin.telegram.chat</a><b>tg</b><i>ok</i>');
    expect(() => engine.registerPartialsDir(pluginDir, '../evil')).toThrow(/namespace/);
  });

  it('renders one partial on its own, for a slot', () => {
    const engine = engineWith(true);
    expect(engine.renderPartial('badge', { text: '<x>' })).toBe('<b>&lt;x&gt;</b>');
    expect(() => engine.renderPartial('nope', {})).toThrow(/Unknown partial "nope"/);
    expect(() => engine.renderPartial('constructor', {})).toThrow(/Unknown partial/);
  });

  it('tolerates a plugin without a partials folder', () => {
    expect(() => engineWith(true).registerPartialsDir(join(root, 'missing'), 'ghost')).not.toThrow();
  });

  it('with caching on, keeps what it compiled even when files change', async () => {
    const engine = engineWith(true);
    expect(await engine.renderView('home', { greeting: 'a', layout: false })).toBe('<p>a</p>');
    write('views/home.hbs', '<div>{{greeting}}</div>');
    write('views/partials/badge.hbs', '<em>{{text}}</em>');
    expect(await engine.renderView('home', { greeting: 'a', layout: false })).toBe('<p>a</p>');
    expect(engine.renderPartial('badge', { text: 'x' })).toBe('<b>x</b>');
  });

  it('with caching off, re-reads views, layouts and partials on every render', async () => {
    const engine = engineWith(false);
    write('views/with-badge.hbs', '{{> badge text=greeting}}');
    expect(await engine.renderView('with-badge', { greeting: 'a' })).toBe('<main-layout lang=""><b>a</b></main-layout>');
    write('views/with-badge.hbs', '[{{> badge text=greeting}}]');
    write('views/layouts/main.hbs', '<new>{{{body}}}</new>');
    write('views/partials/badge.hbs', '<em>{{text}}</em>');
    expect(await engine.renderView('with-badge', { greeting: 'a' })).toBe('<new>[<em>a</em>]</new>');
    write('views/partials/added.hbs', 'added');
    expect(engine.renderPartial('added', {})).toBe('added');
    unlinkSync(join(views, 'partials', 'added.hbs'));
    expect(() => engine.renderPartial('added', {})).toThrow(/Unknown partial/);
  });

  it('passes template errors to the Express callback instead of throwing', async () => {
    write('views/broken.hbs', '{{#if}}');
    await expect(expressRender(engineWith(true), join(views, 'broken.hbs'), {})).rejects.toThrow();
    await expect(expressRender(engineWith(true), join(views, 'home.hbs'), { layout: 'missing' })).rejects.toThrow(/ENOENT/);
  });

  it('refuses view and layout names that would leave the views folder', async () => {
    const engine = engineWith(true);
    await expect(engine.renderView('../secret', {})).rejects.toThrow(/Invalid view name/);
    await expect(engine.renderView('home', { layout: '../../etc/passwd' })).rejects.toThrow(/Invalid layout name/);
  });

  it('keeps its helpers and partials out of the global Handlebars', () => {
    engineWith(true);
    expect(Handlebars.partials['badge']).toBeUndefined();
    expect(Handlebars.helpers['slot']).toBeUndefined();
  });

  it('prints slots the controller resolved, in the layout and in the view', async () => {
    write('views/layouts/main.hbs', '{{{body}}}<footer>{{slot "layout_footer"}}</footer>');
    write('views/ticket.hbs', '<aside>{{slot "ticket_sidebar"}}</aside>');
    const slots = { layout_footer: '<small>v1</small>', ticket_sidebar: '<p>plugin</p>' };
    expect(await engineWith(true).renderView('ticket', { slots })).toBe('<aside><p>plugin</p></aside><footer><small>v1</small></footer>');
    expect(await engineWith(true).renderView('ticket', {})).toBe('<aside></aside><footer></footer>');
  });

  it('serves pages as the view engine of a real Express app', async () => {
    const app = express();
    app.engine('hbs', engineWith(true).engine);
    app.set('view engine', 'hbs');
    app.set('views', views);
    app.locals['lang'] = 'uk';
    app.get('/', (_req, res) => res.render('home', { greeting: '<hi>' }));
    app.get('/bare', (_req, res) => res.render('home', { greeting: 'x', layout: 'bare' }));
    const home = await request(app).get('/').expect(200);
    expect(home.text).toBe('<main-layout lang="uk"><p>&lt;hi&gt;</p></main-layout>');
    expect((await request(app).get('/bare').expect(200)).text).toBe('<bare><p>x</p></bare>');
  });
});
