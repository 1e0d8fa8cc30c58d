import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type Handlebars from 'handlebars';
import type { HandlebarsEnv } from './view-helpers';

const NAMESPACE = /^[\w-]+$/;

interface PartialDir {
  readonly dir: string;
  readonly namespace?: string;
}

function listTemplates(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The partials of one Handlebars environment, by folder. With caching on, a folder is read once
 * when registered; with it off (development), every folder is read again before each render, so
 * an edited, added or deleted partial shows on the next page load without a restart.
 */
export class PartialRegistry {
  private readonly dirs: PartialDir[] = [];
  private readonly names = new Set<string>();

  constructor(
    private readonly hbs: HandlebarsEnv,
    private readonly cache: boolean,
  ) {}

  /** A plugin's folder gets its name as namespace: {{> telegram/chat-link}}. A missing folder is fine. */
  registerDir(dir: string, namespace?: string): void {
    if (namespace !== undefined && !NAMESPACE.test(namespace)) {
      throw new Error(`Invalid partial namespace "${namespace}"`);
    }
    const entry: PartialDir = { dir, namespace };
    this.dirs.push(entry);
    this.load(entry);
  }

  /** Re-reads every folder, unless caching is on. */
  refresh(): void {
    if (this.cache) return;
    for (const name of this.names) this.hbs.unregisterPartial(name);
    this.names.clear();
    for (const entry of this.dirs) this.load(entry);
  }

  get(name: string): Handlebars.TemplateDelegate {
    const partial: unknown = Object.hasOwn(this.hbs.partials, name) ? this.hbs.partials[name] : undefined;
    if (typeof partial !== 'function') throw new Error(`Unknown partial "${name}"`);
    return partial as Handlebars.TemplateDelegate;
  }

  private load({ dir, namespace }: PartialDir): void {
    for (const file of listTemplates(dir)) {
      const path = relative(dir, file).slice(0, -'.hbs'.length).split(sep).join('/');
      const name = namespace === undefined ? path : `${namespace}/${path}`;
      // Compiled here (not registered as source) so renderPartial can call it directly and the
      // compile cost is paid once per read. preventIndent keeps <textarea>/<pre> content intact.
      this.hbs.registerPartial(name, this.hbs.compile(readFileSync(file, 'utf8'), { preventIndent: true }));
      this.names.add(name);
    }
  }
}
