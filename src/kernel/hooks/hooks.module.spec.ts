import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { UnitOfWork } from '../database/unit-of-work';
import { HookBus, HookBusOptions } from './hook-bus';
import { HookDepthError } from './hook-errors';
import { HooksModule } from './hooks.module';
import { PluginGate } from './plugin-gate';
import { fakeTransactions } from './testing/fake-data-source';

// Stand-ins for the kernel and plugin modules, wired the way the app wires the real ones.

@Global()
@Module({ providers: [{ provide: UnitOfWork, useFactory: () => fakeTransactions().uow }], exports: [UnitOfWork] })
class FakeDatabaseModule {}

/** Like the plugin registry: a gate that itself depends on the bus. */
@Injectable()
class FakePluginRegistry extends PluginGate {
  constructor(readonly hooks: HookBus) {
    super();
  }

  isActive(plugin: string): boolean {
    return plugin !== 'off';
  }
}

@Global()
@Module({
  providers: [FakePluginRegistry, { provide: PluginGate, useExisting: FakePluginRegistry }],
  exports: [FakePluginRegistry, PluginGate],
})
class FakePluginsModule {}

@Global()
@Module({ providers: [{ provide: HookBusOptions, useValue: { handlerTimeoutMs: 50, maxDepth: 1 } }], exports: [HookBusOptions] })
class FakeKernelConfigModule {}

const PAGE = { view: 'home' };
const SLOT = { view: 'home', userId: null, locale: 'en' };

async function busWith(...modules: Array<new () => unknown>) {
  const app = await Test.createTestingModule({ imports: [FakeDatabaseModule, HooksModule, ...modules] }).compile();
  return { app, bus: app.get(HookBus) };
}

/** A title filter that nests a slot filter, reporting what the nested call did. */
function nestOnce(bus: HookBus) {
  bus.addFilter('web.slot.layout_footer', (html) => `${html}!`);
  bus.addFilter('web.page.title', async (title) => {
    try {
      return await bus.applyFilters('web.slot.layout_footer', title, SLOT);
    } catch (error) {
      return error instanceof HookDepthError ? 'too deep' : 'other error';
    }
  });
}

describe('HooksModule', () => {
  it('works on its own: default limits, every plugin active', async () => {
    const { bus } = await busWith();
    nestOnce(bus);
    bus.addFilter('web.page.title', (title) => `${title}+plugin`, { plugin: 'off' });
    await expect(bus.applyFilters('web.page.title', 'a', PAGE)).resolves.toBe('a!+plugin');
  });

  it("uses the app's HookBusOptions when a global module provides them", async () => {
    const { bus } = await busWith(FakeKernelConfigModule);
    nestOnce(bus);
    await expect(bus.applyFilters('web.page.title', 'a', PAGE)).resolves.toBe('too deep');
  });

  it("asks the app's plugin gate, even though that gate depends on the bus", async () => {
    const { app, bus } = await busWith(FakePluginsModule);
    expect(app.get(FakePluginRegistry).hooks).toBe(bus);
    bus.addFilter('web.page.title', (title) => `${title}+on`, { plugin: 'on' });
    bus.addFilter('web.page.title', (title) => `${title}+off`, { plugin: 'off' });
    await expect(bus.applyFilters('web.page.title', 'a', PAGE)).resolves.toBe('a+on');
  });
});
