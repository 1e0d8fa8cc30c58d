/**
 * LDAP / Active Directory, all in this folder. The rest of Opora imports from here only:
 * the Directory interface, the chain, the settings parser, the errors and the passport strategies.
 */
export type { Directory, DirectoryTestReport, DirectoryTestStep, DirectoryTestStepName, DirectoryUser } from './directory';
export { DirectoryChain } from './directory-chain';
export {
  DEFAULT_GROUP_FILTER,
  DEFAULT_TIMEOUT_MS,
  DIRECTORY_PRESETS,
  NESTED_GROUPS_MODES,
  listFilterOf,
  parseDirectoryConfig,
  parseDirectoryConfigs,
} from './directory-config';
export type { DirectoryAttributes, DirectoryConfig, DirectoryConfigInput, NestedGroups, ParsedDirectoryConfig } from './directory-config';
export { DirectoryError } from './ldap-errors';
export type { DirectoryErrorCode, DirectoryStep, InvalidCredentialsReason } from './ldap-errors';
export { LdaptsDirectory, MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH } from './ldapts-directory';
export { DirectoryStrategy, createLdapauthStrategy, ldapauthServerOptions } from './passport-strategy';
export type { LdapauthStrategyOptions } from './passport-strategy';
