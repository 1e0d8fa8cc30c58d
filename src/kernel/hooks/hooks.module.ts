import { Global, Module } from '@nestjs/common';
import { HookBus } from './hook-bus';

/**
 * Provides the hook bus to every module. Its collaborators come from elsewhere on purpose:
 * UnitOfWork from the database (kernel) module; HookBusOptions from the kernel's config (the
 * built-in defaults apply when nobody provides them); PluginGate from the plugin registry, looked
 * up on first use (AllPluginsActive when there is none). Providing defaults for those tokens here
 * would shadow the app's own: Nest resolves a module's own providers before global ones.
 */
@Global()
@Module({ providers: [HookBus], exports: [HookBus] })
export class HooksModule {}
