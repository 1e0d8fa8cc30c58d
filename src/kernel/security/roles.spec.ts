import { isRole, ROLES, rolesGrant } from './roles';
import { PERMISSIONS, type Permission } from './permissions';

const every = Object.keys(PERMISSIONS) as Permission[];

describe('roles', () => {
  it('knows the eight roles of the service desk', () => {
    expect(ROLES).toEqual(['requester', 'agent', 'specialist', 'group_lead', 'manager', 'change_approver', 'knowledge_editor', 'administrator']);
    expect(isRole('agent')).toBe(true);
    expect(isRole('root')).toBe(false);
  });

  it('gives the administrator every permission', () => {
    for (const permission of every) expect(rolesGrant(['administrator'], permission)).toBe(true);
  });

  it('gives everyone signed in, with or without roles, the dashboard and their profile only', () => {
    for (const roles of [[], ['requester'], ['agent', 'specialist']] as const) {
      expect(every.filter((permission) => rolesGrant(roles, permission)).sort()).toEqual(['dashboard.view', 'profile.edit']);
    }
  });

  it('never lets a non-administrator manage plugins', () => {
    const others = ROLES.filter((role) => role !== 'administrator');
    expect(rolesGrant(others, 'admin.plugins.manage')).toBe(false);
  });
});
