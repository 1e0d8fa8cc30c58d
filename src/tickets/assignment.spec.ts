import { pickAssignee, type Candidate } from './assignment';

const people = (...ids: string[]): Candidate[] => ids.map((id) => ({ id, load: 0 }));
const none = new Map<string, string | null>();

describe('pickAssignee', () => {
  it('assigns nobody in manual mode or with no members', () => {
    expect(pickAssignee('manual', people('a'), none, null)).toBeNull();
    expect(pickAssignee('round_robin', [], none, null)).toBeNull();
  });

  it('goes round the members in order, wrapping around, fairly', () => {
    const members = people('a', 'b', 'c');
    let last: string | null = null;
    const counts = new Map<string, number>();
    const sequence: string[] = [];
    for (let i = 0; i < 30; i++) {
      last = pickAssignee('round_robin', members, none, last)!.assigneeId;
      sequence.push(last);
      counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    expect(sequence.slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });

  it('starts from the top when the last one picked has left the group', () => {
    expect(pickAssignee('round_robin', people('a', 'b'), none, 'gone')!.assigneeId).toBe('a');
  });

  it('skips people who are away, and uses their substitute when one is named', () => {
    const members = people('a', 'b', 'c');
    expect(pickAssignee('round_robin', members, new Map([['b', null]]), 'a')!.assigneeId).toBe('c');
    const substitutes = people('s');
    expect(pickAssignee('round_robin', members, new Map([['b', 's']]), 'a', substitutes)).toEqual({ assigneeId: 's', substituteFor: 'b' });
    // A substitute who is away too does not stand in.
    expect(pickAssignee('round_robin', members, new Map<string, string | null>([['b', 's'], ['s', null]]), 'a', substitutes)!.assigneeId).toBe('c');
  });

  it('leaves the ticket with the group when everyone is away', () => {
    expect(pickAssignee('least_loaded', people('a', 'b'), new Map([['a', null], ['b', null]]), null)).toBeNull();
  });

  it('gives the least-loaded member the ticket, the earlier one on a tie', () => {
    const members: Candidate[] = [
      { id: 'a', load: 5 },
      { id: 'b', load: 2 },
      { id: 'c', load: 2 },
    ];
    expect(pickAssignee('least_loaded', members, none, 'b')!.assigneeId).toBe('b');
    expect(pickAssignee('least_loaded', members, new Map([['b', null]]), null)!.assigneeId).toBe('c');
  });
});
