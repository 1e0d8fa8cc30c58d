import { DomainError } from '../kernel/web/domain-error';

/**
 * User names: letters (any script), digits and `. _ @ -`, up to 200 characters. Nothing that
 * means something in an LDAP filter, a URL path or a shell, so a name is safe wherever it travels.
 */
const USER_NAME = /^[\p{L}\p{N}._@-]{1,200}$/u;

export function checkUserName(username: string): string {
  const name = username.trim();
  if (!USER_NAME.test(name)) throw new DomainError('username_invalid', 'validation.username_invalid', 400);
  return name;
}
