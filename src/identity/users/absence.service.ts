import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { NotFoundError } from '../../kernel/web/domain-error';
import { isRecordId } from '../organisations/named-records';
import { UserRepository } from '../user.repository';
import { absenceOverlapError, absencePeriod, checkSubstitute, type AbsenceForm } from './absence-rules';
import { AbsenceRepository, type AbsenceRow } from './absence.repository';

export interface AbsenceInput extends AbsenceForm {
  /** The substitute's user name; blank for none. */
  substitute?: string;
}

const SHOWN = 20;

/**
 * Vacation and sick leave, with who stands in. A person records their own; an administrator, or the
 * lead of a work group the person is in, records anyone's. Assignment asks `absentAt` whom to skip.
 */
@Injectable()
export class AbsenceService {
  constructor(
    private readonly absences: AbsenceRepository,
    private readonly users: UserRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async list(actor: Actor, userId: string): Promise<AbsenceRow[]> {
    await this.allow(actor, userId);
    return this.absences.listOf(userId, SHOWN);
  }

  /** Records an absence; the days are read in the actor's time zone, as the form showed them. */
  async add(actor: Actor, userId: string, input: AbsenceInput): Promise<string> {
    await this.allow(actor, userId);
    const period = absencePeriod(input, actor.timeZone ?? 'UTC');
    const typed = input.substitute?.trim() ?? '';
    return this.uow.transaction(async () => {
      // One writer per person at a time, so two overlapping entries cannot both pass the check.
      await this.uow.lockForTransaction(`absences:${userId}`);
      let substituteId: string | null = null;
      if (typed) {
        const substitute = await this.users.findByUsername(typed);
        checkSubstitute(userId, substitute, typed);
        substituteId = substitute!.id;
      }
      if (await this.absences.overlapping(userId, period)) throw absenceOverlapError();
      return this.absences.insert(userId, period, substituteId, actor.id);
    });
  }

  async remove(actor: Actor, userId: string, absenceId: string): Promise<void> {
    await this.allow(actor, userId);
    if (!isRecordId(absenceId) || !(await this.absences.delete(userId, absenceId))) throw new NotFoundError();
  }

  /** Of these people, who is away at `at`, each with their substitute (null when none was named). */
  async absentAt(userIds: readonly string[], at: Date = new Date()): Promise<Map<string, string | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.absences.absentAt(userIds, at);
    return new Map(rows.map((row) => [row.userId, row.substituteId]));
  }

  /** Someone else's absences answer like a missing person unless the actor may manage them. */
  private async allow(actor: Actor, userId: string): Promise<void> {
    if (!isRecordId(userId)) throw new NotFoundError();
    if (actor.id === userId || actorCan(actor, 'admin.users.manage')) return;
    if (!(await this.absences.leads(actor.id, userId))) throw new NotFoundError();
  }
}
