import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ImapFlow } from 'imapflow';
import { ConfigService } from '../kernel/config/config.service';
import { DatabaseService } from '../kernel/database/database.service';
import { ExclusiveRunner } from '../kernel/jobs/exclusive-runner';
import { SettingsMemo } from '../kernel/database/settings-memo';
import { imapClient, imapErrorText } from './imap-connection';
import { MailIntakeService, type IntakeOutcome } from './mail-intake.service';
import { MailboxRepository, type MailboxRow } from './mailbox.repository';
import { MailboxService } from './mailbox.service';
import { syncPlan } from './mailbox-sync';
import { intakeChains, type Fetched } from './intake-chains';
import { IntakeFiles } from './intake-files';
import { incomingDirOf } from '../kernel/web/multipart';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Messages fetched per round trip; a batch is taken, then marked, then the mark moves on. */
const BATCH = 20;
/** Chains of a batch taken side by side on PostgreSQL. */
const PARALLEL_CHAINS = 4;
/** What is read of a message for its headers (threading chains; a message over the limit). */
const HEAD_BYTES = 64 * 1024;
/** Messages up to this size are fetched into memory in batches; bigger ones stream to a file. */
const IN_MEMORY_BYTES = 1024 * 1024;

export interface PollReport {
  fetched: number;
  outcomes: Partial<Record<IntakeOutcome['status'], number>>;
  error: string | null;
}

/**
 * Reads the mailboxes: on a schedule on every node, each mailbox under its own exclusive-run lock
 * (an advisory lock across nodes), so one node reads a mailbox at a time. A message is taken
 * (committed), then marked as processed on the server (flagged, moved or deleted), then the
 * remembered UID moves past it — a crash anywhere in between means the message is fetched again
 * and recognised as taken, never lost and never doubled.
 */
@Injectable()
export class MailboxPoller implements OnApplicationBootstrap {
  private readonly log = new Logger('MailIntake');
  private readonly incoming: string;

  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly settings: MailboxService,
    private readonly intake: MailIntakeService,
    private readonly runner: ExclusiveRunner,
    private readonly config: ConfigService,
    private readonly database: DatabaseService,
    private readonly scheduler: SchedulerRegistry,
    private readonly files: IntakeFiles,
    private readonly settingsMemo: SettingsMemo,
  ) {
    this.incoming = incomingDirOf(config.dataDir);
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.get('mail.intake_poll_seconds');
    if (seconds === 0) return;
    const timer = setInterval(() => void this.tick(), seconds * 1000);
    timer.unref();
    this.scheduler.addInterval('mail.intake', timer);
  }

  private async tick(): Promise<void> {
    if (this.database.state !== 'ready') return;
    for (const mailbox of await this.mailboxes.list()) {
      if (!mailbox.active) continue;
      await this.poll(mailbox.id).catch((error: Error) => this.log.error(`polling ${mailbox.name} failed: ${error.message}`));
    }
  }

  /** Reads one mailbox now; null when another node or run is reading it. */
  async poll(mailboxId: string): Promise<PollReport | null> {
    const outcome = await this.runner.run(`mail-intake:${mailboxId}`, async () => {
      const mailbox = await this.settings.get(mailboxId);
      return this.read(mailbox);
    });
    return outcome.ran ? outcome.result : null;
  }

  private async read(mailbox: MailboxRow): Promise<PollReport> {
    const report: PollReport = { fetched: 0, outcomes: {}, error: null };
    let credential: string;
    try {
      credential = await this.settings.credentialOf(mailbox);
    } catch (error) {
      report.error = imapErrorText(error);
      await this.mailboxes.recordPoll(mailbox.id, { error: report.error });
      return report;
    }
    const client = imapClient(mailbox, credential);
    client.on('error', (error: Error) => this.log.warn(`${mailbox.name}: ${error.message}`));
    try {
      await client.connect();
      const lock = await client.getMailboxLock(mailbox.folder);
      try {
        const uids = await this.plannedUids(client, mailbox);
        const limit = mailbox.maxMessageMb * 1024 * 1024;
        // The next batch is fetched while this one is taken: the server and the database work at once.
        const fetchFrom = (start: number) => {
          if (start >= uids.length) return null;
          const fetching = this.fetchBatch(client, uids.slice(start, start + BATCH), limit);
          fetching.catch(() => undefined); // its failure is met where it is awaited
          return fetching;
        };
        let ahead = fetchFrom(0);
        for (let start = 0; ahead; start += BATCH) {
          const batch = await ahead;
          ahead = fetchFrom(start + BATCH);
          // A batch is taken under one reading of the settings (workflow, routing rules, fields).
          await this.settingsMemo.hold(() => this.takeBatch(client, mailbox, batch, report)).catch(async (error: unknown) => {
            await this.discardFetched(ahead);
            throw error;
          });
        }
      } finally {
        lock.release();
      }
      await this.mailboxes.recordPoll(mailbox.id, { error: null });
    } catch (error) {
      report.error = imapErrorText(error);
      await this.mailboxes.recordPoll(mailbox.id, { error: report.error });
    } finally {
      await client.logout().catch(() => client.close());
    }
    return report;
  }

  /**
   * Takes a batch — chains that share no sender or thread side by side on PostgreSQL (one at a
   * time on the embedded database, which has one connection) — then marks what was taken on the
   * server in one command and moves the mark up to the first message that could not be taken.
   */
  private async takeBatch(client: ImapFlow, mailbox: MailboxRow, batch: Fetched[], report: PollReport): Promise<void> {
    const taken: number[] = [];
    let failure: unknown = null;
    let firstFailed = Number.POSITIVE_INFINITY;
    const runChain = async (chain: Fetched[]) => {
      for (const message of chain) {
        try {
          const outcome = await this.intake.take(mailbox, message);
          report.fetched += 1;
          report.outcomes[outcome.status] = (report.outcomes[outcome.status] ?? 0) + 1;
          taken.push(message.uid);
        } catch (error) {
          failure ??= error;
          firstFailed = Math.min(firstFailed, message.uid);
          return; // the rest of this chain waits for the next poll, in order
        }
      }
    };
    const waiting = intakeChains(batch);
    const width = this.config.embedded ? 1 : PARALLEL_CHAINS;
    const worker = async () => {
      for (let chain = waiting.shift(); chain; chain = waiting.shift()) await runChain(chain);
    };
    await Promise.all(Array.from({ length: Math.min(width, waiting.length) }, worker));
    // Files of messages a failed chain never reached (taken ones were moved or removed already).
    await this.files.discard(batch.flatMap((message) => (message.file ? [message.file] : [])));
    if (taken.length) await this.markProcessed(client, mailbox, taken);
    const safe = batch.map((message) => message.uid).filter((uid) => uid < firstFailed);
    if (safe.length) await this.mailboxes.advance(mailbox.id, Math.max(...safe));
    if (failure) throw failure;
  }

  /** The files of a batch fetched ahead that will not be taken now (the poll stopped before it). */
  private async discardFetched(ahead: Promise<Fetched[]> | null): Promise<void> {
    const batch = await ahead?.catch(() => [] as Fetched[]);
    await this.files.discard((batch ?? []).flatMap((message) => (message.file ? [message.file] : [])));
  }

  /** The UIDs to read this time, by the sync plan; records a new UIDVALIDITY and starting point. */
  private async plannedUids(client: ImapFlow, mailbox: MailboxRow): Promise<number[]> {
    const opened = client.mailbox;
    if (!opened) throw new Error(`folder ${mailbox.folder} is not open`);
    const plan = syncPlan(
      { uidValidity: mailbox.uidValidity === null ? null : BigInt(mailbox.uidValidity), lastUid: Number(mailbox.lastUid) },
      { uidValidity: BigInt(opened.uidValidity), uidNext: opened.uidNext },
      mailbox.since ? new Date(`${mailbox.since}T00:00:00Z`) : null,
    );
    const found = async (query: Record<string, unknown>) => ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
    switch (plan.kind) {
      case 'after':
        return (await found({ uid: `${plan.afterUid + 1}:*` })).filter((uid) => uid > plan.afterUid);
      case 'start_here':
        await this.mailboxes.recordPoll(mailbox.id, { uidValidity: BigInt(opened.uidValidity), lastUid: plan.lastUid, error: null });
        return [];
      case 'since':
        await this.mailboxes.recordPoll(mailbox.id, { uidValidity: BigInt(opened.uidValidity), lastUid: 0, error: null });
        return found({ since: plan.since });
      case 'reindex': {
        const unread = await found({ seen: false });
        await this.mailboxes.recordPoll(mailbox.id, { uidValidity: BigInt(opened.uidValidity), lastUid: 0, error: null });
        return unread;
      }
    }
  }

  /**
   * A batch's messages in UID order: small ones fetched together into memory, bigger ones
   * streamed one by one to a file (never held whole), and one over the limit as its first bytes
   * only, for the quarantine record.
   */
  private async fetchBatch(client: ImapFlow, uids: number[], limit: number): Promise<Fetched[]> {
    const sizes = new Map<number, number>();
    for await (const message of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(message.uid, message.size ?? 0);
    const size = (uid: number) => sizes.get(uid) ?? 0;
    const fetched = new Map<number, Fetched>();
    const small = uids.filter((uid) => size(uid) <= IN_MEMORY_BYTES);
    if (small.length) {
      for await (const message of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) {
        if (message.source) fetched.set(message.uid, { uid: message.uid, size: Math.max(size(message.uid), message.source.length), raw: message.source, head: message.source.subarray(0, HEAD_BYTES) });
      }
    }
    for (const uid of uids.filter((candidate) => size(candidate) > IN_MEMORY_BYTES)) {
      if (size(uid) > limit) {
        const head = await client.fetchOne(String(uid), { uid: true, source: { start: 0, maxLength: HEAD_BYTES } }, { uid: true });
        if (head && head.source) fetched.set(uid, { uid, size: size(uid), raw: head.source, head: head.source });
        continue;
      }
      const download = await client.download(String(uid), undefined, { uid: true });
      if (!download.content) continue;
      const file = join(this.incoming, `${randomUUID()}.part`);
      await pipeline(download.content, createWriteStream(file));
      fetched.set(uid, { uid, size: size(uid), file, head: await this.files.head(file, HEAD_BYTES) });
    }
    return uids.filter((uid) => fetched.has(uid)).map((uid) => fetched.get(uid)!);
  }

  private async markProcessed(client: ImapFlow, mailbox: MailboxRow, uids: number[]): Promise<void> {
    const range = uids.sort((a, b) => a - b).join(',');
    if (mailbox.processedAction === 'delete') await client.messageDelete(range, { uid: true });
    else if (mailbox.processedAction === 'move' && mailbox.processedFolder) await client.messageMove(range, mailbox.processedFolder, { uid: true });
    else await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
  }
}
