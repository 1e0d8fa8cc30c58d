import { afterCondition, decodeCursor, encodeCursor, isSort, orderBy, positionColumn } from './queue-order';

const ID = '0b6c1e4e-8a52-4c53-9d0a-1f1f2b3c4d5e';
const params = () => {
  const values: unknown[] = [];
  return { values, param: (value: unknown) => `$${values.push(value)}` };
};

describe('queue order', () => {
  it('orders each sort totally, ending in the id', () => {
    expect(orderBy('updated')).toBe('t.updated_at DESC, t.id DESC');
    expect(orderBy('created')).toBe('t.created_at DESC, t.id DESC');
    expect(orderBy('priority')).toBe('t.priority ASC, t.updated_at DESC, t.id DESC');
    expect(orderBy('due')).toBe("coalesce(t.resolution_due_at, 'infinity'::timestamptz) ASC, t.id ASC");
  });

  it('pages one-direction sorts with a single row comparison an index can serve', () => {
    const { values, param } = params();
    expect(afterCondition({ sort: 'updated', values: ['2026-11-23T10:00:00.123456Z'], id: ID }, param)).toBe('(t.updated_at, t.id) < ($1::timestamptz, $2::uuid)');
    expect(values).toEqual(['2026-11-23T10:00:00.123456Z', ID]);
  });

  it('splits a sort that changes direction into "after here, or equal and after in the rest"', () => {
    const { values, param } = params();
    expect(afterCondition({ sort: 'priority', values: ['2', '2026-11-23T10:00:00.000000Z'], id: ID }, param)).toBe(
      '((t.priority) > ($1::smallint) OR ((t.priority) = ($1::smallint) AND (t.updated_at, t.id) < ($2::timestamptz, $3::uuid)))',
    );
    expect(values).toEqual(['2', '2026-11-23T10:00:00.000000Z', ID]);
  });

  it('gives each row its position as text', () => {
    expect(positionColumn('priority')).toContain("t.priority::text || '|' || to_char(t.updated_at");
  });

  it('round-trips cursors and refuses forged, foreign or stale ones', () => {
    const cursor = encodeCursor('priority', '3|2026-11-23T10:00:00.000000Z', ID);
    expect(decodeCursor(cursor, 'priority')).toEqual({ sort: 'priority', values: ['3', '2026-11-23T10:00:00.000000Z'], id: ID });
    expect(decodeCursor(cursor, 'updated')).toBeUndefined();
    expect(decodeCursor(encodeCursor('priority', "1' OR '1'='1|2026-11-23T10:00:00.000000Z", ID), 'priority')).toBeUndefined();
    expect(decodeCursor(encodeCursor('due', 'infinity', ID), 'due')).toEqual({ sort: 'due', values: ['infinity'], id: ID });
    expect(decodeCursor(encodeCursor('updated', '2026-11-23T10:00:00Z', ID), 'updated')).toBeUndefined();
    expect(decodeCursor('not a cursor!', 'updated')).toBeUndefined();
    expect(decodeCursor(encodeCursor('updated', '2026-11-23T10:00:00.000000Z', 'x'), 'updated')).toBeUndefined();
  });

  it('knows its sorts', () => {
    expect(['updated', 'due', 'nonsense', undefined].map(isSort)).toEqual([true, true, false, false]);
  });
});
