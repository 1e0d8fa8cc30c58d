import { filterConditions, filterParams, filtersFrom } from './ticket-filters';

describe('ticket filters', () => {
  it('reads well-formed values and leaves the rest out', () => {
    expect(filtersFrom({ status: 'waiting', priority: '2', tag: ' VIP ', service: '0b6c1e4e-8a52-4c53-9d0a-1f1f2b3c4d5e', type: 'incident' })).toEqual({
      status: 'waiting',
      priority: 2,
      tag: 'vip',
      serviceId: '0b6c1e4e-8a52-4c53-9d0a-1f1f2b3c4d5e',
      type: 'incident',
    });
    expect(filtersFrom({ status: "x' OR 1=1", priority: '9', tag: 'x'.repeat(51), service: 'nope', type: 'problem', extra: 'y' })).toEqual({});
    expect(filtersFrom({ status: ['a', 'b'], priority: [1] })).toEqual({});
  });

  it('round-trips through a query string', () => {
    const filters = { status: 'new', priority: 1, tag: 'принтер', requesterId: '0b6c1e4e-8a52-4c53-9d0a-1f1f2b3c4d5e' };
    expect(filtersFrom(filterParams(filters))).toEqual(filters);
  });

  it('binds every value as a parameter', () => {
    const values: unknown[] = [];
    const sql = filterConditions({ status: 'new', tag: 'vip', priority: 3 }, (value) => `$${values.push(value)}`);
    expect(sql).toEqual(['t.status = $1', 't.priority = $2', 't.tags @> ARRAY[$3]::text[]']);
    expect(values).toEqual(['new', 3, 'vip']);
  });
});
