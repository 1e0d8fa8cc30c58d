import { mapGroups, normalizeDn, type GroupMapping } from './group-mapping';

const AGENTS = 'cn=agents,ou=groups,dc=example,dc=test';
const TIER2 = 'cn=tier2,ou=groups,dc=example,dc=test';
const NIGHT = 'cn=Night shift (ops)\\, east,ou=groups,dc=example,dc=test';

const mapping = (groupDn: string, target: { role?: GroupMapping['role']; workGroupId?: string }): GroupMapping => ({
  groupDn,
  role: target.role ?? null,
  workGroupId: target.workGroupId ?? null,
});

describe('normalizeDn', () => {
  it('ignores case and spaces around separators, keeping escaped commas inside a value', () => {
    expect(normalizeDn('CN=Agents, OU=Groups,DC=Example,DC=Test')).toBe('cn=agents,ou=groups,dc=example,dc=test');
    expect(normalizeDn(NIGHT)).toBe('cn=night shift (ops)\\, east,ou=groups,dc=example,dc=test');
  });
});

describe('mapGroups', () => {
  const mappings = [
    mapping(AGENTS, { role: 'agent' }),
    mapping(AGENTS, { workGroupId: 'wg-service-desk' }),
    mapping(TIER2, { role: 'specialist' }),
    mapping(TIER2, { workGroupId: 'wg-tier2' }),
    mapping(NIGHT, { workGroupId: 'wg-night' }),
  ];

  it('gives everyone the requester role, even with no mapped group', () => {
    expect(mapGroups([], mappings)).toEqual({ roles: ['requester'], workGroupIds: [], managedWorkGroupIds: ['wg-night', 'wg-service-desk', 'wg-tier2'] });
  });

  it('adds the roles and work groups of every mapped group the person is in, each once', () => {
    const access = mapGroups([AGENTS, TIER2, 'cn=unmapped,dc=example,dc=test'], [...mappings, mapping(TIER2, { role: 'agent' })]);
    expect(access.roles).toEqual(['agent', 'requester', 'specialist']);
    expect(access.workGroupIds).toEqual(['wg-service-desk', 'wg-tier2']);
  });

  it('matches DNs whatever their case and spacing in the directory', () => {
    expect(mapGroups(['CN=Agents, OU=Groups, DC=example, DC=test'], mappings).roles).toEqual(['agent', 'requester']);
    expect(mapGroups(['cn=NIGHT SHIFT (ops)\\, east,ou=groups,dc=example,dc=test'], mappings).workGroupIds).toEqual(['wg-night']);
  });

  it('does not confuse a DN with escaped commas with a shorter one', () => {
    expect(mapGroups(['cn=Night shift (ops),ou=groups,dc=example,dc=test'], mappings).workGroupIds).toEqual([]);
  });

  it('lists managed work groups whether or not the person is in them, so leaving one removes them', () => {
    expect(mapGroups([AGENTS], mappings).managedWorkGroupIds).toEqual(['wg-night', 'wg-service-desk', 'wg-tier2']);
  });
});
