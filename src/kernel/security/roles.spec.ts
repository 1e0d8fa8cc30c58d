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

  it('gives everyone signed in, with or without roles, the dashboard and their profile', () => {
    for (const roles of [[], ['change_approver'], ['knowledge_editor']] as const) {
      expect(every.filter((permission) => rolesGrant(roles, permission)).sort()).toEqual(['dashboard.view', 'profile.edit']);
    }
  });

  it('lets requesters see and register their own tickets, and staff work them', () => {
    expect(every.filter((permission) => rolesGrant(['requester'], permission) && permission.startsWith('tickets.'))).toEqual(['tickets.view', 'tickets.create']);
    for (const role of ['agent', 'specialist', 'group_lead', 'manager'] as const) expect(rolesGrant([role], 'tickets.work')).toBe(true);
  });

  it('lets the staff who meet clients invite requesters, and nobody else but administrators', () => {
    const inviting = ROLES.filter((role) => rolesGrant([role], 'requesters.invite'));
    expect(inviting).toEqual(['agent', 'group_lead', 'manager', 'administrator']);
  });

  it('keeps every admin.* permission for administrators', () => {
    const others = ROLES.filter((role) => role !== 'administrator');
    for (const permission of every.filter((name) => name.startsWith('admin.'))) expect(rolesGrant(others, permission)).toBe(false);
  });

  it('never lets a non-administrator manage plugins', () => {
    const others = ROLES.filter((role) => role !== 'administrator');
    expect(rolesGrant(others, 'admin.plugins.manage')).toBe(false);
  });
});
