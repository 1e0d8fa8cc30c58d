/**
 * The public plugin API: everything a plugin in modules/<name>/ may import from the core, and
 * nothing else (`import { … } from '../../../src/plugin-api'`). What is exported here is kept
 * stable within a core minor version; anything reached by another path may change at any time.
 * The guide is docs/plugins.md; the hooks are listed in docs/hooks.md.
 */

// Declaring a plugin.
export { definePlugin } from './kernel/plugins/plugin-api';
export type { PluginDefinition, PluginManifest, SettingsSchema, SettingSchema } from './kernel/plugins/plugin-manifest';

// Hooks: the bus and the catalogue's types (extend the catalogue by declaration merging).
export { HookBus, type HandlerOptions } from './kernel/hooks/hook-bus';
export type {
  ActionArgs,
  ActionHandler,
  ActionName,
  ActionPayload,
  FilterContext,
  FilterHandler,
  FilterName,
  FilterValue,
  HookCatalogue,
  HookName,
  NavItem,
  SignInFailureReason,
  SlotContext,
} from './kernel/hooks/hook-catalogue';
export { HookDepthError, HookTimeoutError, HookTransactionRequiredError, HookVetoError } from './kernel/hooks/hook-errors';

// Data: the transaction the current request or job runs in.
export { UnitOfWork } from './kernel/database/unit-of-work';

// Pages, strings and errors.
export { I18nService } from './kernel/i18n/i18n.service';
export { ViewEngineHolder } from './kernel/web/view-engine.holder';
export { PageService } from './kernel/web/page.service';
export { DomainError, NotFoundError } from './kernel/web/domain-error';
export { RequirePermission, Public, type Permission } from './kernel/security/permissions';
export type { Actor } from './kernel/security/actor';

// The plugin's own state: settings from its schema, and whether it should be working now.
export { PluginSettings } from './kernel/plugins/plugin-settings.service';
export { PluginContext } from './kernel/plugins/plugin-context';
