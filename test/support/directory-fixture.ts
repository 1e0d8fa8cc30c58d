import type { DirectoryInput } from '../../src/identity/directory/directory.service';
import type { DirectoryConfigInput } from '../../src/identity/ldap';
import { GROUPS_DN, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD } from '../harness/ldap-seed';

/** The settings of the harness's slapd as an admin would enter them (OpenLDAP preset). */
export function slapdSettings(url: string): DirectoryConfigInput & { name: string } {
  return {
    name: 'corp',
    url,
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    userSearchBase: PEOPLE_DN,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    attributes: { username: 'uid', displayName: 'cn', email: 'mail' },
    groupSearchBase: GROUPS_DN,
    groupFilter: '(&(objectClass=groupOfNames)(member={{dn}}))',
    nestedGroups: 'walk',
    timeoutMs: 3_000,
  };
}

/** The harness's slapd as an enabled directory of the application. */
export function slapdDirectory(url: string, overrides: Partial<DirectoryInput> = {}): DirectoryInput {
  return { ...slapdSettings(url), enabled: true, ...overrides };
}
