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

/** An e-mail address, trimmed: something@somewhere with no spaces; blank is none. Mail delivery checks the rest. */
export function checkEmail(raw: string | undefined): string | null {
  const email = raw?.trim() ?? '';
  if (email === '') return null;
  if (email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new DomainError('email_invalid', 'validation.email_invalid', 400, { field: 'email' });
  return email;
}

/** A phone number as people write it (+7 (999) 123-45-67, 8 999 …): digits and the usual marks; blank is none. */
export function checkPhone(raw: string | undefined): string | null {
  const phone = raw?.trim() ?? '';
  if (phone === '') return null;
  if (phone.length > 40 || !/^[+]?[0-9 ()./-]+(\s*(ext|доб)\.?\s*[0-9]+)?$/iu.test(phone) || phone.replace(/[^0-9]/g, '').length < 3) {
    throw new DomainError('phone_invalid', 'validation.phone_invalid', 400, { field: 'phone' });
  }
  return phone;
}
