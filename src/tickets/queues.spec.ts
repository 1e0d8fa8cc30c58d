import { impliesVisibility, QUEUES, queueCondition } from './queues';

describe('queueCondition', () => {
  const context = { userId: 'me', groupIds: ['g1', 'g2'], pendingStatuses: ['waiting'] };
  const build = (queue: (typeof QUEUES)[number]) => {
    const values: unknown[] = [];
    return { sql: queueCondition(queue, context, (value) => `$${values.push(value)}`), values };
  };

  it('keeps deleted tickets out of every queue but Deleted, and only there', () => {
    for (const queue of QUEUES) expect(build(queue).sql.startsWith(queue === 'deleted' ? 't.deleted_at IS NOT NULL' : 't.deleted_at IS NULL')).toBe(true);
  });

  it('shows only open work in the working queues, with values bound as parameters', () => {
    expect(build('mine')).toEqual({ sql: 't.deleted_at IS NULL AND t.is_open AND t.assignee_id = $1', values: ['me'] });
    expect(build('groups')).toEqual({ sql: 't.deleted_at IS NULL AND t.is_open AND t.group_id = ANY ($1::uuid[])', values: [['g1', 'g2']] });
    expect(build('unassigned').sql).toContain('t.assignee_id IS NULL');
    expect(build('pending')).toEqual({ sql: 't.deleted_at IS NULL AND t.status = ANY ($1::text[])', values: [['waiting']] });
    expect(build('overdue').sql).toContain('< now()');
    expect(build('starred').values).toEqual(['me']);
    expect(build('watching').sql).toContain('ticket_watchers');
    expect(build('starred').sql).toContain('t.id = ANY (ARRAY(SELECT s.ticket_id FROM ticket_stars s WHERE s.user_id = $1');
  });
});

describe('impliesVisibility', () => {
  const agent = { kind: 'limited' as const, userId: 'me', groupIds: ['g1', 'g2'], ledUserIds: [], unaddressed: true, organisationId: null };
  const context = { userId: 'me', groupIds: ['g1', 'g2'], pendingStatuses: [] };

  it('lets "mine" and "my groups" skip the visibility check, since their own condition implies it', () => {
    expect(impliesVisibility('mine', agent, context)).toBe(true);
    expect(impliesVisibility('groups', agent, context)).toBe(true);
    expect(impliesVisibility('groups', { kind: 'all' }, { ...context, groupIds: ['x'] })).toBe(true);
  });

  it('keeps the check wherever the queue could hold something the person may not see', () => {
    for (const queue of ['unassigned', 'pending', 'overdue', 'starred', 'watching', 'mentions', 'all', 'deleted'] as const) expect(impliesVisibility(queue, agent, context)).toBe(false);
    expect(impliesVisibility('groups', agent, { ...context, groupIds: ['g1', 'other'] })).toBe(false);
    expect(impliesVisibility('mine', agent, { ...context, userId: 'someone-else' })).toBe(false);
  });
});
