import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ConfigService } from '../kernel/config/config.service';
import { DatabaseService } from '../kernel/database/database.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import { ExclusiveRunner } from '../kernel/jobs/exclusive-runner';
import { TicketRepository } from './ticket.repository';

const HOURLY = 3_600_000;
const BATCH = 200;
export const AUTO_CLOSE_JOB = 'tickets.auto_close';

/**
 * Closes resolved tickets nobody reacted to for `tickets.auto_close_days`, through the workflow's
 * own resolved → closed transition, each in its own transaction with optimistic locking (a ticket
 * someone touches meanwhile is skipped, not overwritten) and a history entry saying the rule did it.
 */
@Injectable()
export class AutoCloseJob implements OnApplicationBootstrap {
  private readonly log = new Logger('Tickets');

  constructor(
    private readonly tickets: TicketRepository,
    private readonly runner: ExclusiveRunner,
    private readonly config: ConfigService,
    private readonly database: DatabaseService,
    private readonly uow: UnitOfWork,
    private readonly hooks: HookBus,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.get('tickets.auto_close_days')) return;
    const timer = setInterval(() => void this.tick(), HOURLY);
    timer.unref();
    this.scheduler.addInterval(AUTO_CLOSE_JOB, timer);
  }

  /** Closes what is due now (once across nodes); returns how many tickets were closed. */
  async closeDue(): Promise<number> {
    const days = this.config.get('tickets.auto_close_days');
    if (!days) return 0;
    const outcome = await this.runner.run(AUTO_CLOSE_JOB, () => this.closeOlderThan(days), { periodMs: HOURLY * 0.9 });
    return outcome.ran ? outcome.result : 0;
  }

  private async tick(): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      const closed = await this.closeDue();
      if (closed) this.log.log(`closed ${closed} resolved tickets after ${this.config.get('tickets.auto_close_days')} days`);
    } catch (error) {
      this.log.error(`auto-close stopped: ${(error as Error).message}`);
    }
  }

  private async closeOlderThan(days: number): Promise<number> {
    let closed = 0;
    for (;;) {
      const due = await this.tickets.staleResolved(days, BATCH);
      let progressed = 0;
      for (const ticket of due) {
        const done = await this.uow.transaction(async () => {
          if (!(await this.tickets.update(ticket.id, ticket.version, { status: ticket.closeTo }))) return false;
          await this.tickets.insertEvent(ticket.id, null, 'rule', 'status_changed', { from: ticket.status, to: ticket.closeTo, rule: 'auto_close', days });
          this.hooks.doAction('ticket.status.changed', { ticketId: ticket.id, ref: ticket.ref, actorId: null, from: ticket.status, to: ticket.closeTo });
          return true;
        });
        if (done) progressed += 1;
      }
      closed += progressed;
      if (due.length < BATCH || progressed === 0) return closed;
    }
  }
}
