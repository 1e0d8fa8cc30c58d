import { HookBus, HookBusOptions } from './hook-bus';
import { HookTimeoutError, HookTransactionRequiredError, HookVetoError } from './hook-errors';
import { fakeTransactions } from './testing/fake-data-source';

const PAGE = { view: 'tickets' };

function newBus(options: Partial<HookBusOptions> = {}) {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const { uow, events } = fakeTransactions();
  const bus = new HookBus(uow, { ...new HookBusOptions(), ...options }, logger);
  return { bus, uow, events, logger };
}

/** Lets every pending promise chain (and one macrotask) run, for asserting that nothing happened. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('HookBus with the unit of work', () => {
  describe('doAction', () => {
    it('runs at once when no transaction is open', async () => {
      const { bus, events } = newBus();
      bus.addAction('user.signed_in', () => void events.push('handler'));
      bus.doAction('user.signed_in', { userId: 'u', ip: '::1' });
      await bus.settled();
      expect(events).toEqual(['handler']);
    });

    it('waits for the commit, then runs once, outside the transaction', async () => {
      const { bus, uow, events } = newBus();
      const inTransaction: boolean[] = [];
      bus.addAction('plugin.enabled', () => {
        events.push('handler');
        inTransaction.push(uow.current() !== undefined);
      });
      await uow.transaction(async () => {
        bus.doAction('plugin.enabled', { plugin: 'x', actorId: 'admin' });
        await drain();
        events.push('work returned');
      });
      await bus.settled();
      expect(events).toEqual(['begin', 'work returned', 'commit', 'handler']);
      expect(inTransaction).toEqual([false]);
    });

    it('keeps the order of actions queued in one transaction', async () => {
      const { bus, uow, events } = newBus();
      bus.addAction('plugin.enabled', ({ plugin }) => void events.push(`enabled ${plugin}`));
      bus.addAction('plugin.disabled', ({ plugin }) => void events.push(`disabled ${plugin}`));
      await uow.transaction(async () => {
        bus.doAction('plugin.disabled', { plugin: 'a', actorId: null });
        bus.doAction('plugin.enabled', { plugin: 'b', actorId: null });
      });
      await bus.settled();
      expect(events).toEqual(['begin', 'commit', 'disabled a', 'enabled b']);
    });

    it('joins the outermost transaction when transactions nest', async () => {
      const { bus, uow, events } = newBus();
      bus.addAction('kernel.app.started', () => void events.push('handler'));
      await uow.transaction(async () => {
        await uow.transaction(async () => bus.doAction('kernel.app.started', { version: '1' }));
        await drain();
        events.push('outer work returned');
      });
      await bus.settled();
      expect(events).toEqual(['begin', 'outer work returned', 'commit', 'handler']);
    });

    it('never runs what a rolled-back transaction queued', async () => {
      const { bus, uow, events } = newBus();
      const handler = jest.fn();
      bus.addAction('plugin.enabled', handler);
      await expect(
        uow.transaction(async () => {
          bus.doAction('plugin.enabled', { plugin: 'x', actorId: null });
          throw new Error('constraint violated');
        }),
      ).rejects.toThrow('constraint violated');
      await drain();
      await bus.settled();
      expect(handler).not.toHaveBeenCalled();
      expect(events).toEqual(['begin', 'rollback']);
    });

    it('keeps handler errors away from the committing caller', async () => {
      const { bus, uow } = newBus();
      bus.addAction('plugin.enabled', () => {
        throw new Error('handler bug');
      });
      await expect(uow.transaction(async () => bus.doAction('plugin.enabled', { plugin: 'x', actorId: null }))).resolves.toBeUndefined();
      await bus.settled();
      expect(bus.errorCounts()).toEqual({ core: 1 });
    });

    it('starts a fresh hook stack after the commit, but nests when run at once', async () => {
      const { bus, uow } = newBus();
      const seen: unknown[] = [];
      bus.addAction('user.signed_in', () => void seen.push([bus.currentHook(), bus.doingHook('web.page.title')]));
      bus.addFilter('web.page.title', async (title) => {
        bus.doAction('user.signed_in', { userId: 'at once', ip: '::1' });
        await uow.transaction(async () => bus.doAction('user.signed_in', { userId: 'queued', ip: '::1' }));
        return title;
      });
      await bus.applyFilters('web.page.title', '', PAGE);
      await bus.settled();
      expect(seen).toEqual([
        ['user.signed_in', true],
        ['user.signed_in', false],
      ]);
    });
  });

  describe('doActionInTransaction', () => {
    it('refuses to run outside a transaction, with a clear error', async () => {
      const { bus } = newBus();
      const handler = jest.fn();
      bus.addAction('plugin.enabled', handler);
      const attempt = bus.doActionInTransaction('plugin.enabled', { plugin: 'x', actorId: null });
      await expect(attempt).rejects.toBeInstanceOf(HookTransactionRequiredError);
      await expect(attempt).rejects.toThrow(/inside UnitOfWork\.transaction/);
      expect(handler).not.toHaveBeenCalled();
    });

    it('runs every handler in order inside the transaction before returning', async () => {
      const { bus, uow, events } = newBus();
      bus.addAction('plugin.disabled', async () => {
        await drain();
        events.push(`second, in transaction: ${uow.current() !== undefined}`);
      });
      bus.addAction('plugin.disabled', () => void events.push('first'), { priority: 1 });
      await uow.transaction(async () => {
        await bus.doActionInTransaction('plugin.disabled', { plugin: 'x', actorId: null });
        events.push('after the hook');
      });
      expect(events).toEqual(['begin', 'first', 'second, in transaction: true', 'after the hook', 'commit']);
    });

    it('vetoes when a handler throws: later handlers do not run and the transaction rolls back', async () => {
      const { bus, uow, events } = newBus();
      const refusal = new Error('not on Fridays');
      const later = jest.fn();
      const queued = jest.fn();
      bus.addAction('plugin.disabled', queued);
      bus.addAction('plugin.enabled', () => {
        throw refusal;
      }, { plugin: 'change-freeze' });
      bus.addAction('plugin.enabled', later);

      const outcome = uow.transaction(async () => {
        bus.doAction('plugin.disabled', { plugin: 'y', actorId: null });
        await bus.doActionInTransaction('plugin.enabled', { plugin: 'x', actorId: null });
      });
      await expect(outcome).rejects.toBeInstanceOf(HookVetoError);
      await expect(outcome).rejects.toMatchObject({ hook: 'plugin.enabled', plugin: 'change-freeze', cause: refusal });
      await expect(outcome).rejects.toThrow(/change-freeze: not on Fridays/);
      await bus.settled();
      expect(later).not.toHaveBeenCalled();
      expect(queued).not.toHaveBeenCalled();
      expect(events).toEqual(['begin', 'rollback']);
    });

    it('does not count a deliberate veto as a handler error', async () => {
      const { bus, uow, logger } = newBus();
      bus.addAction('plugin.enabled', () => {
        throw new Error('no');
      }, { plugin: 'strict' });
      await expect(uow.transaction(() => bus.doActionInTransaction('plugin.enabled', { plugin: 'x', actorId: null }))).rejects.toThrow(
        HookVetoError,
      );
      expect(bus.errorCounts()).toEqual({});
      expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/"plugin\.enabled".*strict.*no/));
    });

    it('skips the handlers of an inactive plugin, so they cannot veto', async () => {
      const { uow } = fakeTransactions();
      const gate = { isActive: (plugin: string) => plugin !== 'off' };
      const bus = new HookBus(uow, new HookBusOptions(), { error: jest.fn(), warn: jest.fn() }, { get: () => gate });
      bus.addAction('plugin.enabled', () => {
        throw new Error('veto');
      }, { plugin: 'off' });
      await expect(uow.transaction(() => bus.doActionInTransaction('plugin.enabled', { plugin: 'x', actorId: null }))).resolves.toBeUndefined();
    });

    describe('time limit', () => {
      beforeEach(() => jest.useFakeTimers());
      afterEach(() => jest.useRealTimers());

      it('vetoes when a handler does not finish in time, and counts it', async () => {
        const { bus, uow, events } = newBus({ handlerTimeoutMs: 20 });
        bus.addAction('plugin.enabled', () => new Promise<void>(() => undefined), { plugin: 'hung' });
        const outcome = uow.transaction(() => bus.doActionInTransaction('plugin.enabled', { plugin: 'x', actorId: null }));
        const settled = outcome.catch((error: unknown) => error);
        await jest.advanceTimersByTimeAsync(20);
        const error = await settled;
        expect(error).toBeInstanceOf(HookVetoError);
        expect((error as HookVetoError).cause).toBeInstanceOf(HookTimeoutError);
        expect(bus.errorCounts()).toEqual({ hung: 1 });
        expect(events).toEqual(['begin', 'rollback']);
      });
    });
  });
});
