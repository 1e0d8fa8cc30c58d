import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ImapFlow } from 'imapflow';
import { ConfigService } from '../kernel/config/config.service';
import { DatabaseService } from '../kernel/database/database.service';
import { imapClient } from './imap-connection';
import { MailboxPoller } from './mailbox-poller';
import { MailboxRepository, type MailboxRow } from './mailbox.repository';
import { MailboxService } from './mailbox.service';

/** A connection that lasted this long counts as good: the back-off starts again from its shortest pause. */
const STABLE_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A new look for mailboxes added or changed since, and for connections that dropped. */
const RESCAN_MS = 60_000;

/**
 * IMAP IDLE: for each active mailbox whose server offers it, a connection waits in the folder
 * and reads the mailbox the moment new mail arrives, instead of at the next scheduled poll (which
 * still runs, and catches anything IDLE missed). A connection that fails is tried again after a
 * growing pause, reset once a connection has lasted a while.
 */
@Injectable()
export class MailboxWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('MailIntake');
  private readonly watching = new Map<string, { client: ImapFlow; since: number }>();
  private readonly failures = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly settings: MailboxService,
    private readonly poller: MailboxPoller,
    private readonly config: ConfigService,
    private readonly database: DatabaseService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.get('mail.intake_idle') || this.config.get('mail.intake_poll_seconds') === 0) return;
    // The database may still be on its way at boot: the first look comes with the first tick.
    this.timer = setInterval(() => void this.rescan(), RESCAN_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.watching.values()].map(({ client }) => client.logout().catch(() => client.close())));
    this.watching.clear();
  }

  /** Looks again for mailboxes to watch (every minute, and at once when asked). */
  async rescan(): Promise<void> {
    if (this.database.state !== 'ready' || this.stopping) return;
    let active: MailboxRow[];
    try {
      active = (await this.mailboxes.list()).filter((mailbox) => mailbox.active);
    } catch (error) {
      this.log.warn(`mailboxes could not be read: ${(error as Error).message}`);
      return;
    }
    for (const [id, { client }] of this.watching) {
      if (!active.some((mailbox) => mailbox.id === id)) {
        this.watching.delete(id);
        await client.logout().catch(() => client.close());
      }
    }
    for (const mailbox of active) if (!this.watching.has(mailbox.id) && this.due(mailbox.id)) void this.watch(mailbox);
  }

  private due(id: string): boolean {
    const failures = this.failures.get(id) ?? 0;
    return failures === 0 || Date.now() >= failures;
  }

  private async watch(mailbox: MailboxRow): Promise<void> {
    let credential: string;
    try {
      credential = await this.settings.credentialOf(mailbox);
    } catch (error) {
      this.log.warn(`${mailbox.name} (idle): ${(error as Error).message}`);
      this.failures.set(mailbox.id, Date.now() + MAX_BACKOFF_MS);
      return;
    }
    const client = imapClient(mailbox, credential);
    const entry = { client, since: Date.now() };
    this.watching.set(mailbox.id, entry);
    client.on('error', (error: Error) => this.log.warn(`${mailbox.name} (idle): ${error.message}`));
    client.on('exists', () => !this.stopping && void this.poller.poll(mailbox.id).catch((error: Error) => this.log.warn(`${mailbox.name}: ${error.message}`)));
    client.on('close', () => {
      this.watching.delete(mailbox.id);
      if (this.stopping) return;
      // Back off: 30 s, doubling to 15 minutes; a connection that lasted counts as a fresh start.
      const lasted = Date.now() - entry.since >= STABLE_MS;
      const previous = lasted ? 0 : (this.failures.get(`${mailbox.id}:pause`) ?? 0);
      const pause = Math.min(MAX_BACKOFF_MS, previous ? previous * 2 : 30_000);
      this.failures.set(`${mailbox.id}:pause`, pause);
      this.failures.set(mailbox.id, Date.now() + pause);
    });
    try {
      await client.connect();
      if (!client.capabilities.has('IDLE')) {
        this.failures.set(mailbox.id, Date.now() + MAX_BACKOFF_MS); // the schedule reads this mailbox
        await client.logout();
        return;
      }
      await client.mailboxOpen(mailbox.folder);
      await client.idle();
    } catch (error) {
      this.log.warn(`${mailbox.name} (idle): ${(error as Error).message}`);
      client.close();
    }
  }
}
