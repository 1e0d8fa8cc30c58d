/** The kinds of ticket, each numbered on its own (INC-1, REQ-1, …). */
export const TICKET_TYPES = ['incident', 'service_request', 'information_request', 'documentation_request'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** The prefix of each type's numbers; fixed, not translated, so a number means the same to everyone. */
export const TYPE_PREFIX: Readonly<Record<TicketType, string>> = {
  incident: 'INC',
  service_request: 'REQ',
  information_request: 'INF',
  documentation_request: 'DOC',
};

export const CHANNELS = ['web', 'email', 'portal', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isTicketType(value: unknown): value is TicketType {
  return typeof value === 'string' && (TICKET_TYPES as readonly string[]).includes(value);
}

/** How people write a ticket's number: `INC-42`. */
export function ticketRef(type: TicketType, number: number | string): string {
  return `${TYPE_PREFIX[type]}-${number}`;
}

/** The type and number in a reference (any case), or undefined for anything else. */
export function parseTicketRef(ref: string): { type: TicketType; number: number } | undefined {
  const match = /^([A-Za-z]{3})-([1-9]\d{0,14})$/.exec(ref.trim());
  if (!match) return undefined;
  const type = TICKET_TYPES.find((candidate) => TYPE_PREFIX[candidate] === match[1]!.toUpperCase());
  return type ? { type, number: Number(match[2]) } : undefined;
}
