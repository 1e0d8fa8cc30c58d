import { domainToASCII, domainToUnicode } from 'node:url';
import { fieldError } from './named-records';

export const MAX_DOMAINS = 50;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/**
 * Mail domains as typed (one per line, or separated by commas, semicolons or spaces; a leading
 * "@" is fine) turned into what is stored and matched: ASCII (IDNA), lower case, each once.
 * "почта.рф" is kept as "xn--80a1acny.xn--p1ai", as mail headers carry it.
 */
export function parseEmailDomains(raw: string | readonly string[] | undefined): string[] {
  const typed = (typeof raw === 'string' ? [raw] : (raw ?? [])).flatMap((text) => text.split(/[\s,;]+/u)).filter((text) => text !== '');
  const domains: string[] = [];
  for (const text of typed) {
    const bare = text.replace(/^@/, '').replace(/\.$/, '');
    const ascii = bare === '' ? '' : domainToASCII(bare.toLowerCase());
    if (!DOMAIN.test(ascii)) throw fieldError('domain_invalid', 'organisations.errors.domain_invalid', 'emailDomains', 400, { domain: text });
    if (!domains.includes(ascii)) domains.push(ascii);
  }
  if (domains.length > MAX_DOMAINS) throw fieldError('too_many_domains', 'organisations.errors.too_many_domains', 'emailDomains', 400, { count: MAX_DOMAINS });
  return domains;
}

/** A stored domain as people read it ("xn--80a1acny.xn--p1ai" → "почта.рф"). */
export function displayDomain(domain: string): string {
  return domainToUnicode(domain) || domain;
}
