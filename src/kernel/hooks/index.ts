export * from './hook-catalogue';
export { HookBus, HookBusOptions, HOOK_BUS_LOGGER, type GateSource, type HandlerOptions, type HookBusLogger } from './hook-bus';
export { AllPluginsActive, PluginGate } from './plugin-gate';
export { HookDepthError, HookTimeoutError, HookTransactionRequiredError, HookVetoError } from './hook-errors';
export { HooksModule } from './hooks.module';
