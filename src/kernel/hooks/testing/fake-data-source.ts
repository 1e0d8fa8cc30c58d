import type { DataSource, EntityManager } from 'typeorm';
import { DataSourceProvider, UnitOfWork } from '../../database/unit-of-work';

/**
 * An object that answers only the members it was given and throws on any other, so a test fails
 * loudly when the code under test reaches for something the fake does not model.
 */
export function strictFake<T extends object>(label: string, members: Partial<T>): T {
  return new Proxy(members, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target];
      // Promise resolution and jest's printing probe these; they are not calls by the code under test.
      if (typeof key === 'symbol' || key === 'then' || key === 'asymmetricMatch') return undefined;
      throw new Error(`${label}.${String(key)} is not part of this fake`);
    },
  }) as T;
}

/**
 * A data source whose `transaction(fn)` calls fn with a fake manager, then "commits"; when fn
 * throws it "rolls back" and rethrows, like TypeORM. `events` records begin/commit/rollback so a
 * test can see what ran before and after the commit.
 */
export function fakeTransactions(events: string[] = []) {
  const manager = strictFake<EntityManager>('manager', {});
  const dataSource = strictFake<DataSource>('dataSource', {
    transaction: (async (work: (manager: EntityManager) => Promise<unknown>) => {
      events.push('begin');
      try {
        const result = await work(manager);
        events.push('commit');
        return result;
      } catch (error) {
        events.push('rollback');
        throw error;
      }
    }) as DataSource['transaction'],
  });
  const source = strictFake<DataSourceProvider>('source', { dataSource });
  return { events, uow: new UnitOfWork(source) };
}
