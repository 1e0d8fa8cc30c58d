import { HookRegistry, type StoredHandler } from './hook-registry';

const handler = (label: string): StoredHandler => Object.assign(() => label, { label });
const labels = (registry: HookRegistry, hook = 'h') => registry.snapshot(hook).map((entry) => entry.handler(undefined));

describe('HookRegistry', () => {
  it('orders by ascending priority, then by registration order', () => {
    const registry = new HookRegistry();
    registry.add('h', handler('late'), 20, undefined);
    registry.add('h', handler('first-10'), 10, undefined);
    registry.add('h', handler('second-10'), 10, undefined);
    registry.add('h', handler('early'), -5, undefined);
    registry.add('h', handler('half'), 10.5, undefined);
    registry.add('h', handler('third-10'), 10, undefined);
    expect(labels(registry)).toEqual(['early', 'first-10', 'second-10', 'third-10', 'half', 'late']);
  });

  it('keeps the same handler at the same priority once; the second disposer does nothing', () => {
    const registry = new HookRegistry();
    const same = handler('same');
    const first = registry.add('h', same, 10, undefined);
    const second = registry.add('h', same, 10, 'other-plugin');
    expect(labels(registry)).toEqual(['same']);
    second();
    expect(labels(registry)).toEqual(['same']);
    first();
    expect(labels(registry)).toEqual([]);
  });

  it('keeps the same handler twice at different priorities, and apart on different hooks', () => {
    const registry = new HookRegistry();
    const same = handler('same');
    registry.add('h', same, 10, undefined);
    registry.add('h', same, 20, undefined);
    registry.add('other', same, 10, undefined);
    expect(labels(registry)).toEqual(['same', 'same']);
    expect(labels(registry, 'other')).toEqual(['same']);
  });

  it('removes with the disposer, harmlessly twice, keeping the others in order', () => {
    const registry = new HookRegistry();
    registry.add('h', handler('a'), 10, undefined);
    const off = registry.add('h', handler('b'), 10, undefined);
    registry.add('h', handler('c'), 10, undefined);
    off();
    off();
    expect(labels(registry)).toEqual(['a', 'c']);
  });

  it('can add a handler again after disposing of it; it goes last among its priority', () => {
    const registry = new HookRegistry();
    const a = handler('a');
    const off = registry.add('h', a, 10, undefined);
    registry.add('h', handler('b'), 10, undefined);
    off();
    registry.add('h', a, 10, undefined);
    expect(labels(registry)).toEqual(['b', 'a']);
  });

  it('never changes a snapshot already taken, but flags removed entries in it', () => {
    const registry = new HookRegistry();
    const off = registry.add('h', handler('a'), 10, undefined);
    const before = registry.snapshot('h');
    registry.add('h', handler('b'), 10, undefined);
    off();
    expect(before.map((entry) => entry.handler(undefined))).toEqual(['a']);
    expect(before[0].removed).toBe(true);
    expect(labels(registry)).toEqual(['b']);
  });

  it('refuses a priority that cannot be ordered', () => {
    const registry = new HookRegistry();
    expect(() => registry.add('h', handler('a'), Number.NaN, undefined)).toThrow(RangeError);
    expect(() => registry.add('h', handler('a'), Infinity, undefined)).toThrow(/finite/);
  });

  it('answers an empty snapshot for an unknown hook', () => {
    expect(new HookRegistry().snapshot('nobody')).toEqual([]);
  });
});
