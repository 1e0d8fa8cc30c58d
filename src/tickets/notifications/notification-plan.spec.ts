import { DEFAULT_MATRIX, effectiveMatrix, planDeliveries, type Candidate } from './notification-plan';

const person = (userId: string, fields: Partial<Candidate> = {}): Candidate => ({ userId, roles: [], staff: true, active: true, email: `${userId}@example.com`, mutedChannels: [], ...fields });
const defaults = effectiveMatrix([]);

describe('effectiveMatrix', () => {
  it('starts from the defaults', () => {
    expect([...defaults.created.requester]).toEqual(DEFAULT_MATRIX.created.requester);
    expect(defaults.created.lead.size).toBe(0);
  });

  it('lays administrators\' cells over them, switching on and off', () => {
    const matrix = effectiveMatrix([
      { event: 'created', role: 'lead', channel: 'email', enabled: true },
      { event: 'created', role: 'requester', channel: 'email', enabled: false },
    ]);
    expect([...matrix.created.lead]).toEqual(['email']);
    expect(matrix.created.requester.size).toBe(0);
    expect(defaults.created.requester.size).toBe(1);
  });
});

describe('planDeliveries', () => {
  it('tells the requester of a registration by mail, even when they registered it themselves', () => {
    expect(planDeliveries('created', [person('r', { roles: ['requester'], staff: false })], 'r', defaults)).toEqual([{ userId: 'r', role: 'requester', channels: ['email'] }]);
  });

  it('never tells the actor about their own action otherwise', () => {
    expect(planDeliveries('replied', [person('a', { roles: ['assignee'] })], 'a', defaults)).toEqual([]);
    expect(planDeliveries('created', [person('a', { roles: ['assignee'] })], 'a', defaults)).toEqual([]);
  });

  it('gives each person one delivery on the union of their roles\' channels', () => {
    const both = person('a', { roles: ['group', 'assignee'] });
    expect(planDeliveries('created', [both], 'x', defaults)).toEqual([{ userId: 'a', role: 'group', channels: ['email', 'in_app', 'browser'] }]);
  });

  it('writes to the requester as requester even when they also watch', () => {
    expect(planDeliveries('replied', [person('r', { roles: ['watcher', 'requester'], staff: false })], 'a', defaults)[0]!.role).toBe('requester');
  });

  it('keeps internal events and staff roles away from requesters', () => {
    expect(planDeliveries('noted', [person('r', { roles: ['watcher'], staff: false })], 'a', defaults)).toEqual([]);
    expect(planDeliveries('created', [person('r', { roles: ['group'], staff: false })], 'a', defaults)).toEqual([]);
    expect(planDeliveries('noted', [person('w', { roles: ['watcher'] })], 'a', defaults)).toEqual([{ userId: 'w', role: 'watcher', channels: ['in_app', 'browser'] }]);
  });

  it('skips inactive accounts and what people muted', () => {
    expect(planDeliveries('assigned', [person('a', { roles: ['assignee'], active: false })], 'x', defaults)).toEqual([]);
    expect(planDeliveries('assigned', [person('a', { roles: ['assignee'], mutedChannels: ['email'] })], 'x', defaults)).toEqual([{ userId: 'a', role: 'assignee', channels: ['in_app', 'browser'] }]);
  });

  it('drops the browser notification with the in-app one it would show', () => {
    expect(planDeliveries('assigned', [person('a', { roles: ['assignee'], mutedChannels: ['in_app'] })], 'x', defaults)).toEqual([{ userId: 'a', role: 'assignee', channels: ['email'] }]);
  });

  it('mails one address once however many people share it, and no one without an address', () => {
    const shared = Array.from({ length: 23 }, (_, i) => person(`c${i}`, { roles: ['assignee', 'group'], email: i % 2 ? 'Desk@Example.com ' : 'desk@example.com' }));
    const plan = planDeliveries('created', [...shared, person('n', { roles: ['assignee'], email: null })], 'x', defaults);
    expect(plan.filter((delivery) => delivery.channels.includes('email'))).toHaveLength(1);
    expect(plan).toHaveLength(24);
    expect(plan.at(-1)).toEqual({ userId: 'n', role: 'assignee', channels: ['in_app', 'browser'] });
  });

  it('brings a rejected resolution to whoever works the ticket, not to the requester who rejected it', () => {
    const people = [person('req', { roles: ['requester'], staff: false }), person('as', { roles: ['assignee'] }), person('w', { roles: ['watcher'] })];
    expect(planDeliveries('rejected', people, 'req', defaults)).toEqual([
      { userId: 'as', role: 'assignee', channels: ['email', 'in_app', 'browser'] },
      { userId: 'w', role: 'watcher', channels: ['in_app', 'browser'] },
    ]);
    expect(planDeliveries('rejected', [person('g', { roles: ['group'] })], 'req', defaults)).toEqual([{ userId: 'g', role: 'group', channels: ['in_app', 'browser'] }]);
  });

  it('reaches a mentioned colleague on every channel by default', () => {
    expect(planDeliveries('mentioned', [person('m', { roles: ['mentioned'] })], 'a', defaults)).toEqual([{ userId: 'm', role: 'mentioned', channels: ['email', 'in_app', 'browser'] }]);
  });
});
