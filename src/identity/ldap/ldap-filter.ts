/**
 * LDAP search filter helpers. Every value that comes from outside (a user name, a DN read from
 * the server) goes into a filter through escapeFilterValue, never raw.
 */

export const USERNAME_PLACEHOLDER = '{{username}}';
export const DN_PLACEHOLDER = '{{dn}}';
/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through any depth of nesting. */
export const AD_IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/**
 * RFC 4515 §3 escaping of an assertion value: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`,
 * `\29`, `\5c`, `\00`. Everything else — including non-ASCII, which goes over the wire as UTF-8 —
 * stays as it is. (Escaping non-ASCII byte by byte is also valid LDAP, but ldapts decodes each
 * `\xx` as a separate character, which would mangle UTF-8.)
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The template with every occurrence of `placeholder` replaced by the escaped value. */
export function fillFilter(template: string, placeholder: string, value: string): string {
  return template.split(placeholder).join(escapeFilterValue(value));
}

/** OR of the template filled with each value: one search instead of one per value. */
export function anyOfFilter(template: string, placeholder: string, values: readonly string[]): string {
  if (values.length === 1) return fillFilter(template, placeholder, values[0]);
  return `(|${values.map((v) => fillFilter(template, placeholder, v)).join('')})`;
}

/**
 * A group filter that matches nested membership on Active Directory: each `(attr={{dn}})` clause
 * becomes `(attr:1.2.840.113556.1.4.1941:={{dn}})`. A filter that already uses the rule is kept.
 */
export function inChainFilter(groupFilter: string): string {
  if (groupFilter.includes(AD_IN_CHAIN_RULE)) return groupFilter;
  return groupFilter.replace(/\(([A-Za-z][\w-]*)=\{\{dn\}\}\)/g, `($1:${AD_IN_CHAIN_RULE}:=${DN_PLACEHOLDER})`);
}

/**
 * A filter matching every entry the template could match, by putting a presence wildcard where
 * the placeholder is: `(uid={{username}})` → `(uid=*)`, `(member={{dn}})` → `(member=*)`.
 */
export function everyoneFilter(template: string, placeholder: string): string {
  return template.split(placeholder).join('*');
}
