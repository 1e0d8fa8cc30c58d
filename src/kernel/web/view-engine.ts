import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { I18nService } from '../i18n/i18n.service';
import { registerViewHelpers, type HandlebarsEnv, type Translator } from './view-helpers';
import { PartialRegistry } from './partial-registry';

export interface ViewEngineOptions {
  /** The folder holding layouts/, partials/ and the views (usually <project>/views). */
  readonly viewsDir: string;
  /** true in production: compile each file once. false in development: re-read on every render. */
  readonly cache: boolean;
  /** The application's I18nService, so strings added by plugins reach the templates. */
  readonly i18n?: Translator;
  /** The layout used when neither the view model nor the view names one. Default "main". */
  readonly defaultLayout?: string;
}

export type RenderCallback = (error: Error | null, html?: string) => void;

export interface ViewEngine {
  /** Express's engine signature: app.engine('hbs', viewEngine.engine). */
  readonly engine: (filePath: string, options: object, callback: RenderCallback) => void;
  /** Registers every .hbs below `dir` as a partial: "folder/name", or "namespace/folder/name". */
  readonly registerPartialsDir: (dir: string, namespace?: string) => void;
  /** One partial rendered on its own, e.g. a plugin's slot content; throws for an unknown name. */
  readonly renderPartial: (name: string, data?: object) => string;
  /** A view by name below viewsDir ("errors/error"), inside its layout, outside Express. */
  readonly renderView: (name: string, data?: object) => Promise<string>;
}

interface CompiledView {
  readonly template: Handlebars.TemplateDelegate;
  /** The layout the file asks for with a first-line {{!< name}} comment. */
  readonly layout?: string;
}

// Names become file paths: letters, digits, _ and - in /-separated segments, nothing else.
const VIEW_NAME = /^[\w-]+(\/[\w-]+)*$/;
const LAYOUT_DECLARATION = /^\s*\{\{!<\s*([\w-]+(?:\/[\w-]+)*)\s*\}\}/;
// Fields Express adds to every render that are not part of the view model.
const EXPRESS_FIELDS = ['settings', '_locals', 'cache'] as const;

function checkName(kind: string, name: string): string {
  if (!VIEW_NAME.test(name)) throw new Error(`Invalid ${kind} name "${name}"`);
  return name;
}

function toModel(options: object | undefined): Record<string, unknown> {
  const model: Record<string, unknown> = { ...options };
  for (const field of EXPRESS_FIELDS) delete model[field];
  return model;
}

/**
 * Handlebars views for Express: a view rendered into a layout (views/layouts/<name>.hbs, "main"
 * unless the view model says `layout: "other"` or `layout: false`, or the view's first line says
 * {{!< other}}), with partials from views/partials and from plugins, and the kernel's helpers.
 * Everything lives in its own Handlebars environment so plugins cannot disturb it through the
 * global one.
 */
export function createViewEngine(options: ViewEngineOptions): ViewEngine {
  const hbs: HandlebarsEnv = Handlebars.create();
  registerViewHelpers(hbs, options.i18n ?? new I18nService());
  const partials = new PartialRegistry(hbs, options.cache);
  const compiled = new Map<string, CompiledView>();
  const defaultLayout = checkName('layout', options.defaultLayout ?? 'main');

  function load(file: string): CompiledView {
    const cached = compiled.get(file);
    if (cached) return cached;
    const source = readFileSync(file, 'utf8');
    // preventIndent: an indented partial call must not indent every line of a <textarea> it prints.
    const view: CompiledView = { template: hbs.compile(source, { preventIndent: true }), layout: LAYOUT_DECLARATION.exec(source)?.[1] };
    if (options.cache) compiled.set(file, view);
    return view;
  }

  function render(file: string, data: object | undefined): string {
    partials.refresh();
    const model = toModel(data);
    const view = load(file);
    const body = view.template(model);
    const requested = 'layout' in model ? model['layout'] : undefined;
    if (requested === false || requested === null) return body;
    const layoutName = typeof requested === 'string' ? requested : (view.layout ?? defaultLayout);
    const layout = load(join(options.viewsDir, 'layouts', `${checkName('layout', layoutName)}.hbs`));
    return layout.template({ ...model, body });
  }

  partials.registerDir(join(options.viewsDir, 'partials'));

  return {
    engine(filePath, data, callback) {
      let html: string;
      try {
        html = render(filePath, data);
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      callback(null, html);
    },
    registerPartialsDir(dir, namespace) {
      partials.registerDir(dir, namespace);
    },
    renderPartial(name, data) {
      partials.refresh();
      return partials.get(name)(data ?? {});
    },
    async renderView(name, data) {
      return render(join(options.viewsDir, `${checkName('view', name)}.hbs`), data);
    },
  };
}
