import { HookBus, HookBusOptions, type GateSource } from './hook-bus';
import { HookDepthError } from './hook-errors';
import { PluginGate } from './plugin-gate';
import { fakeTransactions } from './testing/fake-data-source';

const PAGE = { view: 'dashboard' };
const SLOT = { view: 'dashboard', userId: null, locale: 'en' };

class SwitchableGate extends PluginGate {
  readonly inactive = new Set<string>();
  isActive(plugin: string): boolean {
    return !this.inactive.has(plugin);
  }
}

function newBus(options: Partial<HookBusOptions> = {}, gates?: GateSource) {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const { uow } = fakeTransactions();
  const bus = new HookBus(uow, { ...new HookBusOptions(), ...options }, logger, gates);
  return { bus, logger, uow };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const append = (suffix: string) => (title: string) => title + suffix;

describe('HookBus', () => {
  describe('order', () => {
    it('runs filters by ascending priority, then in registration order', async () => {
      const { bus } = newBus();
      bus.addFilter('web.page.title', append('c'), { priority: 20 });
      bus.addFilter('web.page.title', append('a1'));
      bus.addFilter('web.page.title', append('a2'), { priority: 10 });
      bus.addFilter('web.page.title', append('z'), { priority: -1 });
      bus.addFilter('web.page.title', append('a3'));
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('za1a2a3c');
    });

    it('runs actions in the same order, one after another, awaiting async handlers', async () => {
      const { bus } = newBus();
      const seen: string[] = [];
      bus.addAction('kernel.app.started', async () => {
        await tick();
        seen.push('slow-but-first');
      });
      bus.addAction('kernel.app.started', () => void seen.push('later'), { priority: 11 });
      bus.addAction('kernel.app.started', () => void seen.push('earliest'), { priority: 0 });
      bus.doAction('kernel.app.started', { version: '1.0.0' });
      await bus.settled();
      expect(seen).toEqual(['earliest', 'slow-but-first', 'later']);
    });

    it('gives each handler the payload, and each filter the value so far and the context', async () => {
      const { bus } = newBus();
      const payloads: unknown[] = [];
      bus.addAction('plugin.enabled', (payload) => void payloads.push(payload));
      bus.doAction('plugin.enabled', { plugin: 'x', actorId: null });
      await bus.settled();
      expect(payloads).toEqual([{ plugin: 'x', actorId: null }]);

      const contexts: unknown[] = [];
      bus.addFilter('web.slot.layout_footer', async (html, context) => {
        contexts.push(context);
        return `${html}<p>${context.locale}</p>`;
      });
      await expect(bus.applyFilters('web.slot.layout_footer', '<hr>', SLOT)).resolves.toBe('<hr><p>en</p>');
      expect(contexts).toEqual([SLOT]);
    });

    it('returns the value untouched when nobody listens', async () => {
      const { bus } = newBus();
      const items = [{ href: '/', labelKey: 'nav.dashboard' }];
      await expect(bus.applyFilters('web.nav.items', items, { userId: null })).resolves.toBe(items);
    });
  });

  describe('registration', () => {
    it('keeps the same handler at the same priority once; its second disposer is harmless', async () => {
      const { bus } = newBus();
      const handler = jest.fn();
      const first = bus.addAction('user.signed_in', handler);
      const second = bus.addAction('user.signed_in', handler, { priority: 10 });
      bus.doAction('user.signed_in', { userId: 'u1', ip: '::1' });
      await bus.settled();
      expect(handler).toHaveBeenCalledTimes(1);

      second();
      bus.doAction('user.signed_in', { userId: 'u1', ip: '::1' });
      await bus.settled();
      expect(handler).toHaveBeenCalledTimes(2);

      first();
      bus.doAction('user.signed_in', { userId: 'u1', ip: '::1' });
      await bus.settled();
      expect(handler).toHaveBeenCalledTimes(2);
    });

    it('runs the same handler once per priority it was added with', async () => {
      const { bus } = newBus();
      const handler = append('!');
      bus.addFilter('web.page.title', handler);
      bus.addFilter('web.page.title', handler, { priority: 5 });
      await expect(bus.applyFilters('web.page.title', 'hi', PAGE)).resolves.toBe('hi!!');
    });

    it('stops calling a handler once disposed of; disposing twice is harmless', async () => {
      const { bus } = newBus();
      const off = bus.addFilter('web.page.title', append('x'));
      bus.addFilter('web.page.title', append('y'));
      off();
      off();
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('y');
    });
  });

  describe('changes while a hook runs', () => {
    it('skips at once a handler removed by an earlier one in the same run', async () => {
      const { bus } = newBus();
      let offB = () => undefined as void;
      bus.addFilter('web.page.title', (title) => {
        offB();
        return `${title}a`;
      });
      offB = bus.addFilter('web.page.title', append('b'));
      bus.addFilter('web.page.title', append('c'));
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('ac');
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('ac');
    });

    it('lets a handler added mid-run join from the next run only', async () => {
      const { bus } = newBus();
      let added = false;
      bus.addFilter('web.page.title', (title) => {
        if (!added) bus.addFilter('web.page.title', append('+'), { priority: 99 });
        added = true;
        return `${title}a`;
      });
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('a');
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('a+');
    });

    it('lets a handler remove itself and the run go on', async () => {
      const { bus } = newBus();
      const off = bus.addFilter('web.page.title', (title) => {
        off();
        return `${title}once`;
      });
      bus.addFilter('web.page.title', append('.'));
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('once.');
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('.');
    });

    it('does not disturb a run already going when a handler is removed by another flow', async () => {
      const { bus } = newBus();
      let release = () => undefined as void;
      bus.addFilter('web.page.title', async (title) => {
        await new Promise<void>((resolve) => (release = resolve));
        return `${title}a`;
      });
      const offB = bus.addFilter('web.page.title', append('b'));
      bus.addFilter('web.page.title', append('c'));
      const running = bus.applyFilters('web.page.title', '', PAGE);
      await tick();
      offB();
      release();
      await expect(running).resolves.toBe('ac');
    });
  });

  describe('nesting', () => {
    it('allows hooks to run inside handlers of other hooks', async () => {
      const { bus } = newBus();
      bus.addFilter('web.slot.layout_footer', async (html) => `${html}[${await bus.applyFilters('web.page.title', 't', PAGE)}]`);
      bus.addFilter('web.page.title', append('!'));
      await expect(bus.applyFilters('web.slot.layout_footer', 'f', SLOT)).resolves.toBe('f[t!]');
    });

    it('refuses to go deeper than maxDepth and names the chain', async () => {
      const { bus, logger } = newBus({ maxDepth: 4 });
      const refusals: HookDepthError[] = [];
      // Two filters that call each other forever; whichever hits the bound records what it got.
      const recording = (run: (value: string) => Promise<string>) => async (value: string) => {
        try {
          return await run(value);
        } catch (error) {
          refusals.push(error as HookDepthError);
          throw error;
        }
      };
      bus.addFilter('web.page.title', recording((title) => bus.applyFilters('web.slot.layout_footer', title, SLOT)));
      bus.addFilter('web.slot.layout_footer', recording((html) => bus.applyFilters('web.page.title', `${html}.`, PAGE)));

      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toEqual(expect.any(String));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toBeInstanceOf(HookDepthError);
      expect(refusals[0].chain).toEqual([
        'web.page.title',
        'web.slot.layout_footer',
        'web.page.title',
        'web.slot.layout_footer',
        'web.page.title',
      ]);
      expect(refusals[0].message).toContain('web.page.title → web.slot.layout_footer → web.page.title →');
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('nested deeper than 4'), expect.anything());
    });

    it('bounds actions that trigger themselves, logging instead of throwing at the caller', async () => {
      const { bus, logger } = newBus({ maxDepth: 3 });
      const handler = jest.fn(() => bus.doAction('kernel.app.stopping'));
      bus.addAction('kernel.app.stopping', handler);
      expect(() => bus.doAction('kernel.app.stopping')).not.toThrow();
      await bus.settled();
      expect(handler).toHaveBeenCalledTimes(3);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('kernel.app.stopping → kernel.app.stopping → kernel.app.stopping → kernel.app.stopping'),
      );
    });

    it('counts depth per async flow: concurrent runs do not add up', async () => {
      const { bus } = newBus({ maxDepth: 1 });
      bus.addFilter('web.page.title', async (title) => {
        await tick();
        return `${title}.`;
      });
      const runs = Array.from({ length: 5 }, () => bus.applyFilters('web.page.title', '', PAGE));
      await expect(Promise.all(runs)).resolves.toEqual(['.', '.', '.', '.', '.']);
    });
  });

  describe('errors', () => {
    it('skips a throwing filter (sync or async), passing on the value from before it', async () => {
      const { bus } = newBus();
      bus.addFilter('web.page.title', append('a'));
      bus.addFilter('web.page.title', () => {
        throw new Error('sync boom');
      });
      bus.addFilter('web.page.title', async () => Promise.reject(new Error('async boom')));
      bus.addFilter('web.page.title', append('b'));
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('ab');
    });

    it('logs a failure with the hook and the plugin and counts it per plugin', async () => {
      const { bus, logger } = newBus();
      bus.addFilter('web.page.title', () => {
        throw new Error('bad title');
      }, { plugin: 'title-tweaks' });
      bus.addAction('user.signed_in', () => {
        throw new Error('no audit');
      });
      bus.addAction('user.signed_in', async () => {
        throw new TypeError('also bad');
      }, { plugin: 'title-tweaks' });

      await bus.applyFilters('web.page.title', 't', PAGE);
      bus.doAction('user.signed_in', { userId: 'u', ip: '::1' });
      await bus.settled();

      expect(bus.errorCounts()).toEqual({ 'title-tweaks': 2, core: 1 });
      const [message, stack] = logger.error.mock.calls[0] as [string, string];
      expect(message).toContain('"web.page.title"');
      expect(message).toContain('title-tweaks');
      expect(message).toContain('bad title');
      expect(stack).toContain('Error: bad title');
      expect(logger.error.mock.calls[1][0]).toMatch(/"user\.signed_in".*core.*no audit/);
    });

    it('never lets an action handler break the caller, and runs the handlers after it', async () => {
      const { bus } = newBus();
      const after = jest.fn();
      bus.addAction('plugin.disabled', () => {
        throw new Error('sync boom');
      });
      bus.addAction('plugin.disabled', after);
      expect(() => bus.doAction('plugin.disabled', { plugin: 'x', actorId: 'admin' })).not.toThrow();
      await bus.settled();
      expect(after).toHaveBeenCalledTimes(1);
    });

    it('hands out a copy of the counts', async () => {
      const { bus } = newBus();
      bus.addFilter('web.page.title', () => {
        throw new Error('x');
      });
      await bus.applyFilters('web.page.title', '', PAGE);
      const counts = bus.errorCounts();
      counts.core = 99;
      expect(bus.errorCounts()).toEqual({ core: 1 });
    });
  });

  describe('time limit', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('skips a filter that never settles, without hanging the caller', async () => {
      const { bus, logger } = newBus({ handlerTimeoutMs: 20 });
      bus.addFilter('web.page.title', append('a'));
      bus.addFilter('web.page.title', () => new Promise<string>(() => undefined), { plugin: 'sleepy' });
      bus.addFilter('web.page.title', append('b'));
      const result = bus.applyFilters('web.page.title', '', PAGE);
      await jest.advanceTimersByTimeAsync(20);
      await expect(result).resolves.toBe('ab');
      expect(bus.errorCounts()).toEqual({ sleepy: 1 });
      expect(logger.error.mock.calls[0][0]).toContain('did not finish within 20 ms');
    });

    it('ignores what a timed-out filter returns later', async () => {
      const { bus } = newBus({ handlerTimeoutMs: 20 });
      bus.addFilter('web.page.title', () => new Promise<string>((resolve) => setTimeout(() => resolve('late'), 50)));
      const result = bus.applyFilters('web.page.title', 'kept', PAGE);
      await jest.advanceTimersByTimeAsync(100);
      await expect(result).resolves.toBe('kept');
    });

    it('moves an after-commit action on to the next handler when one hangs', async () => {
      const { bus } = newBus({ handlerTimeoutMs: 20 });
      const next = jest.fn();
      bus.addAction('kernel.app.started', () => new Promise<void>(() => undefined), { plugin: 'hung' });
      bus.addAction('kernel.app.started', next);
      bus.doAction('kernel.app.started', { version: '1' });
      await jest.advanceTimersByTimeAsync(19);
      expect(next).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      await bus.settled();
      expect(next).toHaveBeenCalledTimes(1);
      expect(bus.errorCounts()).toEqual({ hung: 1 });
    });

    it('lets a handler that finishes in time through, and leaves no timer behind', async () => {
      const { bus } = newBus({ handlerTimeoutMs: 20 });
      bus.addFilter('web.page.title', async (title) => `${title}async`);
      bus.addFilter('web.page.title', append('+sync'));
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('async+sync');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('plugin gate', () => {
    it("skips the handlers of a plugin that is not active, checking for each handler as it comes", async () => {
      const gate = new SwitchableGate();
      const { bus } = newBus({}, { get: () => gate });
      gate.inactive.add('off');
      bus.addFilter('web.page.title', append('core'));
      bus.addFilter('web.page.title', append('-on'), { plugin: 'on' });
      bus.addFilter('web.page.title', append('-off'), { plugin: 'off' });
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('core-on');

      gate.inactive.delete('off');
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('core-on-off');

      bus.addFilter('web.page.title', (title) => {
        gate.inactive.add('on');
        return title;
      }, { priority: 0 });
      await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('core-off');
    });

    it('applies to actions too', async () => {
      const gate = new SwitchableGate();
      const { bus } = newBus({}, { get: () => gate });
      gate.inactive.add('off');
      const handler = jest.fn();
      bus.addAction('user.signed_in', handler, { plugin: 'off' });
      bus.doAction('user.signed_in', { userId: 'u', ip: '::1' });
      await bus.settled();
      expect(handler).not.toHaveBeenCalled();
    });

    it('treats every plugin as active when nobody provides a gate', async () => {
      const missing: GateSource = {
        get: () => {
          throw new Error('Nest could not find PluginGate');
        },
      };
      for (const { bus } of [newBus(), newBus({}, missing)]) {
        bus.addFilter('web.page.title', append('p'), { plugin: 'any' });
        await expect(bus.applyFilters('web.page.title', '', PAGE)).resolves.toBe('p');
      }
    });

    it('looks the gate up once, on first need', async () => {
      const gate = new SwitchableGate();
      const get = jest.fn(() => gate);
      const { bus } = newBus({}, { get });
      bus.addFilter('web.page.title', append('core'));
      await bus.applyFilters('web.page.title', '', PAGE);
      expect(get).not.toHaveBeenCalled();
      bus.addFilter('web.page.title', append('p'), { plugin: 'p' });
      await bus.applyFilters('web.page.title', '', PAGE);
      await bus.applyFilters('web.page.title', '', PAGE);
      expect(get).toHaveBeenCalledTimes(1);
    });
  });

  describe('currentHook and doingHook', () => {
    it('report nothing outside hooks', () => {
      const { bus } = newBus();
      expect(bus.currentHook()).toBeUndefined();
      expect(bus.doingHook()).toBe(false);
      expect(bus.doingHook('web.page.title')).toBe(false);
    });

    it('report the running hook, nested ones innermost first, across awaits', async () => {
      const { bus } = newBus();
      const seen: unknown[] = [];
      bus.addFilter('web.slot.layout_footer', async (html) => {
        await tick();
        seen.push(['outer', bus.currentHook(), bus.doingHook('web.slot.layout_footer'), bus.doingHook('web.page.title')]);
        await bus.applyFilters('web.page.title', '', PAGE);
        await tick();
        seen.push(['outer again', bus.currentHook(), bus.doingHook('web.page.title')]);
        return html;
      });
      bus.addFilter('web.page.title', async (title) => {
        await tick();
        seen.push(['inner', bus.currentHook(), bus.doingHook('web.slot.layout_footer'), bus.doingHook()]);
        return title;
      });
      await bus.applyFilters('web.slot.layout_footer', '', SLOT);
      expect(seen).toEqual([
        ['outer', 'web.slot.layout_footer', true, false],
        ['inner', 'web.page.title', true, true],
        ['outer again', 'web.slot.layout_footer', false],
      ]);
      expect(bus.currentHook()).toBeUndefined();
    });

    it('keep concurrent runs apart', async () => {
      const { bus } = newBus();
      const seen: string[] = [];
      const record = (label: string) => async (value: string) => {
        for (let i = 0; i < 3; i += 1) {
          await tick();
          seen.push(`${label}:${bus.currentHook()}:${bus.doingHook('web.page.title')}`);
        }
        return value;
      };
      bus.addFilter('web.page.title', record('title'));
      bus.addFilter('web.slot.dashboard_main', record('slot'));
      await Promise.all([bus.applyFilters('web.page.title', '', PAGE), bus.applyFilters('web.slot.dashboard_main', '', SLOT)]);
      expect(seen.filter((line) => line.startsWith('title'))).toEqual(Array(3).fill('title:web.page.title:true'));
      expect(seen.filter((line) => line.startsWith('slot'))).toEqual(Array(3).fill('slot:web.slot.dashboard_main:false'));
    });

    it('forget a hook once it ended by throwing', async () => {
      const { bus } = newBus({ maxDepth: 1 });
      bus.addFilter('web.page.title', () => bus.applyFilters('web.slot.layout_footer', '', SLOT));
      bus.addFilter('web.slot.layout_footer', append('never'));
      await bus.applyFilters('web.page.title', '', PAGE);
      expect(bus.currentHook()).toBeUndefined();
    });
  });

  describe('options', () => {
    it('refuses limits that make no sense', () => {
      expect(() => newBus({ handlerTimeoutMs: 0 })).toThrow(RangeError);
      expect(() => newBus({ handlerTimeoutMs: Number.NaN })).toThrow(/handlerTimeoutMs/);
      expect(() => newBus({ maxDepth: 0 })).toThrow(/maxDepth/);
      expect(() => newBus({ maxDepth: 2.5 })).toThrow(/maxDepth/);
    });

    it('defaults to 5 s per handler and a depth of 10', () => {
      expect({ ...new HookBusOptions() }).toEqual({ handlerTimeoutMs: 5000, maxDepth: 10 });
    });
  });
});
