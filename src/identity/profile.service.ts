import { Injectable } from '@nestjs/common';
import type { Actor } from '../kernel/security/actor';
import { PostgresSessionStore } from '../kernel/security/session-store';
import { DomainError } from '../kernel/web/domain-error';
import { UserRepository } from './user.repository';

/** The IANA zones this Node knows, plus UTC (which Intl lists as Etc/UTC or not at all). */
const TIME_ZONES: ReadonlySet<string> = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);

export function isKnownTimeZone(zone: string): boolean {
  return TIME_ZONES.has(zone);
}

export function knownTimeZones(): string[] {
  return [...TIME_ZONES].sort();
}

/** A person's own settings: language, time zone, and ending all their sessions. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: PostgresSessionStore,
  ) {}

  async savePreferences(actor: Actor, locale: string, timeZone: string): Promise<void> {
    if (!TIME_ZONES.has(timeZone)) throw new DomainError('time_zone_unknown', 'profile.errors.time_zone', 400);
    await this.users.setPreferences(actor.id, locale, timeZone);
  }

  /** Signs the person out on every device, this one included. */
  signOutEverywhere(actor: Actor): Promise<void> {
    return this.sessions.destroyAllOf(actor.id);
  }
}
