/*
 * Who hears about a ticket event, and how. The rules form a matrix of event × recipient role ×
 * channel with defaults here; administrators override cells, and each person may switch off an
 * event on a channel for themselves. Pure: the service gathers the people and applies the plan.
 */

export const NOTIFY_EVENTS = ['created', 'replied', 'noted', 'status_changed', 'assigned', 'mentioned', 'resolved', 'rejected'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const RECIPIENT_ROLES = ['requester', 'watcher', 'assignee', 'group', 'lead', 'mentioned'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** E-mail, the bell in the app, and the browser's own notification (shown while the app is open). */
export const NOTIFY_CHANNELS = ['email', 'in_app', 'browser'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

type Matrix = Record<NotifyEvent, Partial<Record<RecipientRole, readonly NotifyChannel[]>>>;

const EVERY: readonly NotifyChannel[] = ['email', 'in_app', 'browser'];
const IN_APP: readonly NotifyChannel[] = ['in_app', 'browser'];

/**
 * The defaults: requesters hear by mail about what concerns them (registration, replies,
 * resolution); the assignee hears of everything on their tickets (a rejected resolution too); a
 * group hears of new and newly addressed work in the app; watchers follow in the app; mentions
 * reach the person everywhere.
 */
export const DEFAULT_MATRIX: Matrix = {
  created: { requester: ['email'], assignee: EVERY, group: IN_APP, watcher: IN_APP },
  replied: { requester: ['email', 'in_app'], assignee: EVERY, watcher: IN_APP },
  noted: { assignee: IN_APP, watcher: IN_APP },
  status_changed: { assignee: IN_APP, watcher: IN_APP },
  assigned: { assignee: EVERY, group: IN_APP },
  mentioned: { mentioned: EVERY },
  resolved: { requester: ['email', 'in_app'], watcher: IN_APP },
  // The requester said the resolution did not help: the ticket is back with whoever works it.
  rejected: { assignee: EVERY, group: IN_APP, watcher: IN_APP },
};

/** Events only staff may hear of (their content is internal). */
const STAFF_ONLY_EVENTS: readonly NotifyEvent[] = ['noted', 'mentioned'];
/** Roles that are staff by their nature: a requester is never told as a group member or lead. */
const STAFF_ROLES: readonly RecipientRole[] = ['assignee', 'group', 'lead', 'mentioned'];

/** One cell of the matrix as an administrator set it. */
export interface RuleOverride {
  event: NotifyEvent;
  role: RecipientRole;
  channel: NotifyChannel;
  enabled: boolean;
}

/** The matrix in force: the defaults with the administrators' overrides laid over them. */
export function effectiveMatrix(overrides: readonly RuleOverride[]): Record<NotifyEvent, Record<RecipientRole, Set<NotifyChannel>>> {
  const matrix = {} as Record<NotifyEvent, Record<RecipientRole, Set<NotifyChannel>>>;
  for (const event of NOTIFY_EVENTS) {
    matrix[event] = {} as Record<RecipientRole, Set<NotifyChannel>>;
    for (const role of RECIPIENT_ROLES) matrix[event][role] = new Set(DEFAULT_MATRIX[event][role] ?? []);
  }
  for (const cell of overrides) {
    if (cell.enabled) matrix[cell.event][cell.role].add(cell.channel);
    else matrix[cell.event][cell.role].delete(cell.channel);
  }
  return matrix;
}

/** A person who may hear of the event, in every role they hold towards the ticket. */
export interface Candidate {
  userId: string;
  roles: readonly RecipientRole[];
  /** Staff (may work tickets) rather than a requester. */
  staff: boolean;
  active: boolean;
  email: string | null;
  /** Channels the person switched off for this event. */
  mutedChannels: readonly NotifyChannel[];
}

export interface Delivery {
  userId: string;
  /** The role the message is written for (the requester's mail differs from staff's). */
  role: RecipientRole;
  channels: NotifyChannel[];
}

/**
 * Who gets what: each person once, on the union of the channels of their roles, minus what they
 * muted; never the person who acted (except the requester's own confirmation of a registration),
 * never an inactive account, staff-only events only to staff, and mail to one address once —
 * people sharing a mailbox get one message. A browser notification needs the in-app one it shows.
 */
export function planDeliveries(
  event: NotifyEvent,
  candidates: readonly Candidate[],
  actorId: string | null,
  matrix: Record<NotifyEvent, Record<RecipientRole, Set<NotifyChannel>>>,
): Delivery[] {
  const mailed = new Set<string>();
  const deliveries: Delivery[] = [];
  for (const candidate of candidates) {
    if (!candidate.active) continue;
    const roles = candidate.roles.filter((role) => candidate.staff || !STAFF_ROLES.includes(role));
    if (!candidate.staff && STAFF_ONLY_EVENTS.includes(event)) continue;
    const own = candidate.userId === actorId;
    const heard = roles.filter((role) => !own || (event === 'created' && role === 'requester'));
    if (heard.length === 0) continue;
    const channels = new Set<NotifyChannel>();
    for (const role of heard) for (const channel of matrix[event][role]) channels.add(channel);
    for (const muted of candidate.mutedChannels) channels.delete(muted);
    // One's own registration is confirmed by mail only: nobody needs a bell for what they just did.
    if (own) for (const channel of ['in_app', 'browser'] as const) channels.delete(channel);
    if (!channels.has('in_app')) channels.delete('browser');
    if (channels.has('email')) {
      const address = candidate.email?.trim().toLowerCase();
      if (!address || mailed.has(address)) channels.delete('email');
      else mailed.add(address);
    }
    if (channels.size === 0) continue;
    // The requester's role wins the wording: they get the requester's mail even if they also watch.
    const role = heard.includes('requester') ? 'requester' : heard[0]!;
    deliveries.push({ userId: candidate.userId, role, channels: NOTIFY_CHANNELS.filter((channel) => channels.has(channel)) });
  }
  return deliveries;
}
