import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DatabaseService } from '../../kernel/database/database.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { ExclusiveRunner } from '../../kernel/jobs/exclusive-runner';
import { actorCan } from '../../kernel/security/permissions';
import { DomainError } from '../../kernel/web/domain-error';
import { UserRepository } from '../../identity/user.repository';
import { TicketService } from '../ticket.service';
import { nextRun } from './schedule';

const EVERY_MINUTE = 60_000;
const BATCH = 50;
export const RECURRING_JOB = 'tickets.recurring';

/** A failure as the schedule keeps it: a refusal's code and what it names, or the error's message. */
function describe(error: unknown): string {
  if (error instanceof DomainError) {
    const named = Object.entries(error.vars).filter(([key]) => key !== 'field').map(([key, value]) => `${key}: ${String(value)}`);
    return named.length ? `${error.code} (${named.join(', ')})` : error.code;
  }
  return (error as Error).message;
}

interface DueSchedule {
  id: string;
  cron: string;
  timeZone: string;
  createdBy: string;
  requester: string;
  templateId: string;
  type: string;
  subject: string;
  description: string;
  serviceId: string | null;
  groupName: string | null;
  impact: number;
  urgency: number;
}

/**
 * Registers the tickets of due schedules, once across nodes: each as the person who set the
 * schedule up (so the history says who), for the scheduled requester, from the template. A run
 * that fails is recorded on the schedule and tried at its next time; missed times while the
 * server was down produce one ticket, not a burst.
 */
@Injectable()
export class RecurringTicketsJob implements OnApplicationBootstrap {
  private readonly log = new Logger('Tickets');

  constructor(
    private readonly tickets: TicketService,
    private readonly users: UserRepository,
    private readonly runner: ExclusiveRunner,
    private readonly database: DatabaseService,
    private readonly uow: UnitOfWork,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), EVERY_MINUTE);
    timer.unref();
    this.scheduler.addInterval(RECURRING_JOB, timer);
  }

  /** Registers what is due now; returns the numbers of the tickets registered. */
  async runDue(now = new Date()): Promise<string[]> {
    const outcome = await this.runner.run(RECURRING_JOB, () => this.registerDue(now), { periodMs: EVERY_MINUTE * 0.8 });
    return outcome.ran ? outcome.result : [];
  }

  private async tick(): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      const refs = await this.runDue();
      if (refs.length) this.log.log(`registered scheduled tickets ${refs.join(', ')}`);
    } catch (error) {
      this.log.error(`recurring tickets stopped: ${(error as Error).message}`);
    }
  }

  private async registerDue(now: Date): Promise<string[]> {
    const due = await this.uow.manager().query<DueSchedule[]>(
      `SELECT r.id, r.cron, r.time_zone AS "timeZone", r.created_by AS "createdBy", u.username AS requester, t.id AS "templateId", t.type, t.subject, t.description,
              t.service_id AS "serviceId", g.name AS "groupName", t.impact, t.urgency
         FROM recurring_tickets r JOIN ticket_templates t ON t.id = r.template_id JOIN users u ON u.id = r.requester_id LEFT JOIN work_groups g ON g.id = t.group_id
        WHERE r.active AND r.next_run_at <= $1 ORDER BY r.next_run_at LIMIT ${BATCH}`,
      [now],
    );
    const refs: string[] = [];
    for (const schedule of due) {
      const next = nextRun(schedule.cron, schedule.timeZone, now);
      try {
        const actor = await this.users.findActor(schedule.createdBy);
        if (!actor?.active || !actorCan(actor, 'tickets.work')) throw new Error('the person who set up the schedule may no longer register tickets for others');
        const ref = await this.tickets.create(
          actor,
          {
            type: schedule.type,
            subject: schedule.subject,
            description: schedule.description,
            requester: schedule.requester,
            ...(schedule.serviceId ? { service: schedule.serviceId } : {}),
            ...(schedule.groupName ? { group: schedule.groupName } : {}),
            impact: schedule.impact,
            urgency: schedule.urgency,
            template: schedule.templateId,
          },
          'system',
        );
        refs.push(ref);
        await this.record(schedule.id, next, { ref });
      } catch (error) {
        await this.record(schedule.id, next, { error: describe(error).slice(0, 500) });
      }
    }
    return refs;
  }

  private async record(id: string, next: Date | undefined, outcome: { ref?: string; error?: string }): Promise<void> {
    await this.uow.manager().query(
      `WITH changed AS (UPDATE recurring_tickets SET last_run_at = now(), last_ref = coalesce($2, last_ref), last_error = $3, next_run_at = coalesce($4, next_run_at), active = $4::timestamptz IS NOT NULL WHERE id = $1 RETURNING id) SELECT id FROM changed`,
      [id, outcome.ref ?? null, outcome.error ?? null, next ?? null],
    );
  }
}
