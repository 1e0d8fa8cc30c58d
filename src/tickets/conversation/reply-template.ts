/*
 * Reply templates: text with placeholders filled from the ticket at hand. Pure: the known
 * placeholders, and unknown ones left as typed so a mistake shows rather than vanishes.
 */

export const PLACEHOLDERS = ['ticket.ref', 'ticket.subject', 'ticket.status', 'ticket.service', 'requester.name', 'agent.name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export function fillTemplate(body: string, values: Readonly<Record<Placeholder, string>>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g, (whole, key: string) => ((PLACEHOLDERS as readonly string[]).includes(key) ? values[key as Placeholder] : whole));
}
