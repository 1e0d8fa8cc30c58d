import { inAudience, parseServiceChoice } from './service-audience';

describe('inAudience', () => {
  const cashier = { organisationId: 'shop', departmentId: 'tills', groupIds: ['cashiers'] };
  const cook = { organisationId: 'shop', departmentId: 'kitchen', groupIds: [] };
  const outsider = { organisationId: null, departmentId: null, groupIds: [] };

  it('shows a service without audiences to everyone', () => {
    expect([cashier, cook, outsider].map((person) => inAudience([], person))).toEqual([true, true, true]);
  });

  it('matches by organisation, department or work group', () => {
    expect(inAudience([{ organisationId: 'shop' }], cook)).toBe(true);
    expect(inAudience([{ departmentId: 'kitchen' }], cook)).toBe(true);
    expect(inAudience([{ departmentId: 'kitchen' }], cashier)).toBe(false);
    expect(inAudience([{ groupId: 'cashiers' }], cashier)).toBe(true);
    expect(inAudience([{ groupId: 'cashiers' }], cook)).toBe(false);
  });

  it('any one audience is enough', () => {
    expect(inAudience([{ departmentId: 'kitchen' }, { groupId: 'cashiers' }], cashier)).toBe(true);
  });

  it('never matches a missing value against a missing value', () => {
    expect(inAudience([{ organisationId: null, departmentId: null, groupId: null }], outsider)).toBe(false);
    expect(inAudience([{ organisationId: 'shop' }], outsider)).toBe(false);
  });
});

describe('parseServiceChoice', () => {
  it('splits a service and an optional component', () => {
    expect(parseServiceChoice('s1')).toEqual({ service: 's1' });
    expect(parseServiceChoice('s1:c2')).toEqual({ service: 's1', component: 'c2' });
    expect(parseServiceChoice('')).toEqual({});
    expect(parseServiceChoice(undefined)).toEqual({});
    expect(parseServiceChoice(' :c2')).toEqual({ component: 'c2' });
  });
});
