import { type CanActivate, type ExecutionContext, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { NotFoundError } from '../web/domain-error';
import type { PluginDefinition } from './plugin-manifest';
import { PluginRegistry } from './plugin-registry.service';

// Nest's own Module class lives in an internal path; its type is taken from the public container.
type Module = NonNullable<ReturnType<ModulesContainer['get']>>;

function moduleClassOf(definition: PluginDefinition): Type<unknown> {
  const module = definition.module;
  return typeof module === 'function' ? module : module.module;
}

/** Every module reachable from `starts` through imports, without entering `stop`. */
function reachable(starts: Iterable<Module>, stop: ReadonlySet<Module> = new Set()): Set<Module> {
  const seen = new Set<Module>();
  const queue = [...starts];
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(next) || stop.has(next)) continue;
    seen.add(next);
    queue.push(...next.imports);
  }
  return seen;
}

/**
 * Which plugin owns which controller. Found once the app's module graph is built: a plugin owns
 * the controllers of its own module and of the modules it imports, except modules the core
 * reaches on its own (a shared module's routes stay the core's).
 */
@Injectable()
export class PluginRoutes implements OnModuleInit {
  private readonly owners = new Map<unknown, string>();

  constructor(
    private readonly container: ModulesContainer,
    private readonly registry: PluginRegistry,
  ) {}

  onModuleInit(): void {
    const modules = [...this.container.values()];
    const pluginRoots = new Map<Module, string>();
    for (const plugin of this.registry.all()) {
      if (plugin.status !== 'loaded' || !plugin.definition) continue;
      const metatype = moduleClassOf(plugin.definition);
      for (const module of modules) if (module.metatype === metatype) pluginRoots.set(module, plugin.name);
    }
    // The app's root is the module nobody imports; what it reaches without passing a plugin is core.
    const imported = new Set(modules.flatMap((module) => [...module.imports]));
    const core = reachable(modules.filter((module) => !imported.has(module)), new Set(pluginRoots.keys()));
    for (const [root, name] of pluginRoots) {
      for (const module of reachable([root], core)) {
        for (const wrapper of module.controllers.values()) {
          if (!this.owners.has(wrapper.metatype)) this.owners.set(wrapper.metatype, name);
        }
      }
    }
  }

  /** The plugin that owns this controller class, if any. */
  ownerOf(controller: unknown): string | undefined {
    return this.owners.get(controller);
  }
}

/**
 * A disabled (or failed) plugin's routes answer exactly like routes that do not exist. Registered
 * as the first global guard, so nobody is sent to sign in or refused for a page that is not there.
 */
@Injectable()
export class PluginRouteGuard implements CanActivate {
  constructor(
    private readonly routes: PluginRoutes,
    private readonly registry: PluginRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const owner = this.routes.ownerOf(context.getClass());
    if (owner !== undefined && !this.registry.isActive(owner)) throw new NotFoundError();
    return true;
  }
}
