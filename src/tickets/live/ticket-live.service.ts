import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { HookBus } from '../../kernel/hooks/hook-bus';
import type { Actor } from '../../kernel/security/actor';
import { TicketService } from '../ticket.service';
import { PresenceRepository, type Activity, type Present } from './presence.repository';

/** How often an open ticket page is told about changes and other people (and renews its heartbeat). */
export const LIVE_INTERVAL_MS = 2000;
/** A stream ends after this long; the browser's EventSource reconnects by itself. */
const STREAM_LIFETIME_MS = 10 * 60_000;

interface Stream {
  res: Response;
  timer: NodeJS.Timeout;
  ended: boolean;
}

/**
 * Live updates of an open ticket page over server-sent events, and collision detection: every
 * couple of seconds each stream renews its viewer's heartbeat, and tells the page when someone
 * else changed the ticket (`ticket`, with the new version, status and assignee) or when the set of
 * other people viewing or replying changed (`presence`). The state lives in the database, so it
 * works across nodes and on the embedded database alike; a stream costs two small indexed reads
 * per interval.
 */
@Injectable()
export class TicketLiveService implements OnApplicationShutdown {
  private readonly streams = new Set<Stream>();
  private readonly log = new Logger('TicketLive');
  private lastSweep = 0;

  constructor(
    private readonly tickets: TicketService,
    private readonly presence: PresenceRepository,
    hooks: HookBus,
  ) {
    // Streams never end by themselves: close them when the server stops, so shutdown is not held up.
    hooks.addAction('kernel.app.stopping', () => this.closeAll());
  }

  /** Who else has the ticket open, for the page as it is rendered. */
  async others(actor: Actor, ticketId: string): Promise<Present[]> {
    await this.presence.beat(ticketId, actor.id);
    return this.presence.others(ticketId, actor.id);
  }

  /** Marks the actor as writing a reply on the ticket (the page's script says so while typing). */
  async signal(actor: Actor, ref: string, activity: Activity): Promise<void> {
    const ticket = await this.tickets.visibleTicket(actor, ref);
    await this.presence.beat(ticket.id, actor.id, activity);
  }

  /** Serves the event stream of a ticket the actor may see. */
  async stream(actor: Actor, ref: string, res: Response): Promise<void> {
    const ticket = await this.tickets.visibleTicket(actor, ref);
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.flushHeaders();
    // Empty at first, so the first tick states the version: the page compares it with the one it
    // was rendered with, and a change made in between is not missed.
    let seen = '';
    let present = '';
    const started = Date.now();
    const stream: Stream = { res, timer: setInterval(() => void tick(), LIVE_INTERVAL_MS), ended: false };
    const end = () => this.end(stream, ticket.id, actor.id);
    const send = (event: string, data: unknown) => {
      if (!stream.ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const tick = async () => {
      if (stream.ended) return;
      if (Date.now() - started > STREAM_LIFETIME_MS) return end();
      try {
        await this.presence.beat(ticket.id, actor.id);
        const state = await this.presence.state(ticket.id);
        if (!state) return end();
        if (`${state.version}|${state.status}` !== seen) {
          seen = `${state.version}|${state.status}`;
          send('ticket', { version: state.version, status: state.status, assigneeId: state.assigneeId });
        }
        const others = await this.presence.others(ticket.id, actor.id);
        const now = JSON.stringify(others.map((other) => [other.name, other.activity]));
        if (now !== present) {
          present = now;
          send('presence', others.map((other) => ({ name: other.name, activity: other.activity })));
        }
        if (!stream.ended) res.write(': keep-alive\n\n');
        await this.sweepNow();
      } catch (error) {
        this.log.warn(`live stream of ${ref} stopped: ${(error as Error).message}`);
        end();
      }
    };
    this.streams.add(stream);
    res.on('close', end);
    res.write('retry: 5000\n\n');
    await tick();
  }

  onApplicationShutdown(): void {
    this.closeAll();
  }

  private closeAll(): void {
    for (const stream of [...this.streams]) {
      clearInterval(stream.timer);
      stream.ended = true;
      stream.res.end();
    }
    this.streams.clear();
  }

  private end(stream: Stream, ticketId: string, userId: string): void {
    if (stream.ended) return;
    stream.ended = true;
    clearInterval(stream.timer);
    this.streams.delete(stream);
    stream.res.end();
    this.presence.leave(ticketId, userId).catch(() => undefined);
  }

  private async sweepNow(): Promise<void> {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    await this.presence.sweep();
  }
}
