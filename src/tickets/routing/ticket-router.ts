import { Injectable } from '@nestjs/common';
import { RoutingRuleRepository } from './routing-rule.repository';
import { route, type RoutingOutcome, type TicketFacts } from './routing-rules';

/** Evaluates the active routing rules, in their order, for a ticket being registered. */
@Injectable()
export class TicketRouter {
  constructor(private readonly rules: RoutingRuleRepository) {}

  async route(facts: TicketFacts): Promise<RoutingOutcome> {
    return route(await this.rules.all(true), facts);
  }

  addWatchers(ticketId: string, userIds: readonly string[]): Promise<void> {
    return this.rules.addWatchers(ticketId, userIds);
  }
}
