/*
 * The sender allow and stop lists: an entry is an address (ivan@client.example) or a whole
 * domain (@client.example, which also covers its subdomains). Stop wins over allow; an allowed
 * sender is not held to the hourly limit. Pure.
 */

export type SenderRule = { pattern: string; kind: 'allow' | 'deny' };

/** An entry as typed, in the stored form (lower case, domain in ASCII), or null when it is neither. */
export function senderPattern(raw: string): string | null {
  const text = raw.trim().toLowerCase();
  if (/^@[a-z0-9.-]+\.[a-z0-9-]+$/.test(text)) return text;
  if (/^[^\s@]{1,64}@[a-z0-9.-]+\.[a-z0-9-]+$/.test(text)) return text;
  return null;
}

function covers(pattern: string, address: string): boolean {
  if (!pattern.startsWith('@')) return pattern === address;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return domain === pattern.slice(1) || domain.endsWith(`.${pattern.slice(1)}`);
}

export function senderStanding(rules: readonly SenderRule[], address: string): 'deny' | 'allow' | 'none' {
  const sender = address.toLowerCase();
  if (rules.some((rule) => rule.kind === 'deny' && covers(rule.pattern, sender))) return 'deny';
  if (rules.some((rule) => rule.kind === 'allow' && covers(rule.pattern, sender))) return 'allow';
  return 'none';
}
