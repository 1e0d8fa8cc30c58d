import { domainToASCII } from 'node:url';

/** What becomes of a list of addresses: the deliverable ones (each once) and the refused ones. */
export interface RecipientList {
  accepted: string[];
  rejected: string[];
}

const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
export const MAX_RECIPIENTS = 1000;

/**
 * One address in the form mail goes to: trimmed, the domain in lower case and ASCII (IDN), or null
 * when it cannot be one (spaces, line breaks, no @, a broken domain, non-ASCII local part).
 */
export function normalizeAddress(raw: string): string | null {
  const address = raw.trim();
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return null;
  const local = address.slice(0, at);
  const domain = domainToASCII(address.slice(at + 1).toLowerCase());
  if (!LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (!domain || !domain.includes('.') || !/^[a-z0-9.-]+$/.test(domain)) return null;
  return `${local}@${domain}`;
}

/**
 * The addresses of one message: each address once however often it is listed (23 contacts sharing
 * one mailbox get one mail), compared without regard to case; the ones that cannot be addresses
 * are kept aside so the delivery log can show them while the rest is sent.
 */
export function recipientList(addresses: readonly string[]): RecipientList {
  const seen = new Set<string>();
  const accepted: string[] = [];
  const rejected: string[] = [];
  for (const raw of addresses) {
    const address = normalizeAddress(raw);
    if (!address) {
      rejected.push(raw.replace(/[\r\n]/g, ' ').slice(0, 254));
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    accepted.push(address);
  }
  return { accepted, rejected };
}

/** Header text (a subject, a display name) must be one line: CR or LF could forge headers. */
export function isSingleLine(text: string): boolean {
  return !/[\r\n\0]/.test(text);
}
