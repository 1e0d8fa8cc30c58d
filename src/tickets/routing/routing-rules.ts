/*
 * Routing rules: ordered conditions on a new ticket's facts → actions. Pure, so the matching rules
 * are tested densely; the service loads the rules, evaluates them and records each decision.
 *
 * Every matching rule applies, in order: single values (group, assignee, priority, type) from a
 * later rule replace an earlier one's, tags and watchers add up. A rule marked `stop` ends the
 * evaluation when it matches. A condition left out always matches; a rule with no condition at
 * all matches every ticket (a catch-all at the end of the list).
 */

import type { TicketType } from '../ticket-types';

export interface TimeWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday; empty or absent means every day. */
  days?: number[];
  /** "HH:MM", local to `timeZone`; a window may run past midnight (22:00–06:00). */
  from: string;
  to: string;
  timeZone: string;
}

export interface RuleConditions {
  channels?: string[];
  /** Addresses of the mailboxes the mail came in to (e-mail channel). */
  mailboxes?: string[];
  /** Whole addresses or domains of the requester (a domain matches its subdomains too). */
  senders?: string[];
  /** Words or phrases anywhere in the subject or text … */
  keywords?: string[];
  /** … or #tags written there, without the #: any one keyword or tag is enough. */
  hashtags?: string[];
  serviceIds?: string[];
  categories?: string[];
  organisationIds?: string[];
  types?: TicketType[];
  time?: TimeWindow;
}

export interface RuleActions {
  groupId?: string;
  assigneeId?: string;
  priority?: number;
  type?: TicketType;
  tags?: string[];
  watcherIds?: string[];
}

export interface RoutingRule {
  id: string;
  name: string;
  conditions: RuleConditions;
  actions: RuleActions;
  stop: boolean;
}

/** What the rules look at: a new ticket as registered. */
export interface TicketFacts {
  channel: string;
  mailbox?: string | null;
  requesterEmail?: string | null;
  subject: string;
  text: string;
  serviceId?: string | null;
  category?: string | null;
  organisationId?: string | null;
  type: string;
  at: Date;
}

export interface RoutingOutcome {
  actions: RuleActions;
  /** The rules that matched, in order, with what each one set: for the history. */
  matched: Array<{ id: string; name: string; actions: RuleActions }>;
}

export function route(rules: readonly RoutingRule[], facts: TicketFacts): RoutingOutcome {
  const actions: RuleActions = {};
  const matched: RoutingOutcome['matched'] = [];
  for (const rule of rules) {
    if (!matches(rule.conditions, facts)) continue;
    matched.push({ id: rule.id, name: rule.name, actions: rule.actions });
    const { tags, watcherIds, ...single } = rule.actions;
    Object.assign(actions, withoutUndefined(single));
    if (tags?.length) actions.tags = [...new Set([...(actions.tags ?? []), ...tags])];
    if (watcherIds?.length) actions.watcherIds = [...new Set([...(actions.watcherIds ?? []), ...watcherIds])];
    if (rule.stop) break;
  }
  return { actions, matched };
}

export function matches(conditions: RuleConditions, facts: TicketFacts): boolean {
  const text = `${facts.subject}\n${facts.text}`;
  const checks: Array<() => boolean> = [
    () => anyOf(conditions.channels, (channel) => channel === facts.channel),
    () => anyOf(conditions.mailboxes, (mailbox) => sameAddress(mailbox, facts.mailbox)),
    () => anyOf(conditions.senders, (sender) => senderMatches(sender, facts.requesterEmail)),
    () => mentions(conditions, text),
    () => anyOf(conditions.serviceIds, (id) => id === facts.serviceId),
    () => anyOf(conditions.categories, (category) => normalise(category) === normalise(facts.category ?? '')),
    () => anyOf(conditions.organisationIds, (id) => id === facts.organisationId),
    () => anyOf(conditions.types, (type) => type === facts.type),
    () => !conditions.time || inWindow(conditions.time, facts.at),
  ];
  return checks.every((check) => check());
}

/** Keywords and hashtags are one condition about the text: any one word, phrase or #tag is enough. */
function mentions(conditions: RuleConditions, text: string): boolean {
  const keywords = conditions.keywords ?? [];
  const hashtags = conditions.hashtags ?? [];
  if (keywords.length === 0 && hashtags.length === 0) return true;
  const tags = hashtagsOf(text);
  return keywords.some((keyword) => containsWords(text, keyword)) || hashtags.some((tag) => tags.has(normalise(tag.replace(/^#/, ''))));
}

/** An absent or empty list is no condition; otherwise one entry must hold. */
function anyOf<T>(list: readonly T[] | undefined, test: (value: T) => boolean): boolean {
  return !list || list.length === 0 || list.some(test);
}

function normalise(value: string): string {
  return value.normalize('NFC').toLocaleLowerCase('und').trim();
}

function sameAddress(a: string, b: string | null | undefined): boolean {
  return !!b && normalise(a) === normalise(b);
}

/** "ivan@shop.example" matches that address; "shop.example" or "@shop.example" that domain and its subdomains. */
export function senderMatches(pattern: string, email: string | null | undefined): boolean {
  if (!email) return false;
  const address = normalise(email);
  const wanted = normalise(pattern);
  if (wanted.includes('@') && !wanted.startsWith('@')) return address === wanted;
  const domain = wanted.replace(/^@/, '');
  const actual = address.slice(address.lastIndexOf('@') + 1);
  return domain !== '' && (actual === domain || actual.endsWith(`.${domain}`));
}

/** Whether the words of `phrase` appear in `text` together and whole (not inside longer words), in any script. */
export function containsWords(text: string, phrase: string): boolean {
  const words = normalise(phrase).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return false;
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\p{L}\\p{N}]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(normalise(text));
}

/** The #tags in a text, lower-cased: a # not preceded by a letter, digit, & or / (entities, URL anchors), then letters, digits, _ or -. */
export function hashtagsOf(text: string): Set<string> {
  const tags = new Set<string>();
  for (const match of text.normalize('NFC').matchAll(/(?<![\p{L}\p{N}&/])#([\p{L}\p{N}_][\p{L}\p{N}_-]*)/gu)) tags.add(match[1]!.toLocaleLowerCase('und'));
  return tags;
}

/** Whether `at` falls in the window, on one of its days, in its time zone. */
export function inWindow(window: TimeWindow, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: window.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1;
  const minute = Number(part('hour')) * 60 + Number(part('minute'));
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const days = window.days?.length ? window.days : [1, 2, 3, 4, 5, 6, 7];
  if (from <= to) return days.includes(weekday) && minute >= from && minute < to;
  // Past midnight: the evening belongs to the listed day, the early morning to the day after it.
  if (minute >= from) return days.includes(weekday);
  const previous = weekday === 1 ? 7 : weekday - 1;
  return minute < to && days.includes(previous);
}

export function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`time of day expected as HH:MM, got ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface Addressing {
  groupId: string | null;
  assigneeId: string | null;
}

/**
 * Who a new ticket goes to. What a person chose on the form wins outright; otherwise what the
 * rules set; otherwise the service's (or component's) default group; otherwise nobody (the
 * shared inbox). `by` says which, for the history.
 */
export function addressOf(chosen: Addressing, rules: RuleActions, serviceGroupId: string | null): Addressing & { by: 'person' | 'rules' | 'service' | null } {
  if (chosen.groupId || chosen.assigneeId) return { ...chosen, by: 'person' };
  if (rules.groupId || rules.assigneeId) return { groupId: rules.groupId ?? null, assigneeId: rules.assigneeId ?? null, by: 'rules' };
  if (serviceGroupId) return { groupId: serviceGroupId, assigneeId: null, by: 'service' };
  return { groupId: null, assigneeId: null, by: null };
}
