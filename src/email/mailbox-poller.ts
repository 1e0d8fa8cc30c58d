import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ImapFlow } from 'imapflow';
import { ConfigService } from '../kernel/config/config.service';
import { DatabaseService } from '../kernel/database/database.service';
import { ExclusiveRunner } from '../kernel/jobs/exclusive-runner';
import { SettingsMemo } from '../kernel/database/settings-memo';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { imapClient, imapErrorText } from './imap-connection';
import { MailIntakeService, type IntakeOutcome } from './mail-intake.service';
import { MailboxRepository, type MailboxRow } from './mailbox.repository';
import { MailboxService } from './mailbox.service';
import { batchLength, syncPlan } from './mailbox-sync';
import { intakeChains, type Fetched } from './intake-chains';
import { IntakeFiles } from './intake-files';
import { incomingDirOf } from '../kernel/web/multipart';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Messages fetched per round trip at most; a batch is taken, then marked, then the mark moves on.
 * Bigger batches share more round trips to the database (see takeTogether): measured with 20, 40,
 * 60, 100 and 200, a hundred took the most messages a second.
 */
const BATCH = 100;
/** Mail a batch holds in memory at most (with the next batch fetched ahead, twice this). */
const BATCH_BYTES = 16 * 1024 * 1024;
/** Chains of a batch taken side by side on PostgreSQL, each in its own transaction (`takeOneByOne`). */
const PARALLEL_CHAINS = 4;
/** What is read of a message for its headers (threading chains; a message over the limit). */
const HEAD_BYTES = 64 * 1024;
/** Messages up to this size are fetched into memory in batches; bigger ones stream to a file. */
const IN_MEMORY_BYTES = 1024 * 1024;

/** A batch as fetched, and how many UIDs of its window it covers (some may have vanished). */
interface FetchedBatch {
  batch: Fetched[];
  consumed: number;
}

/** What became of a batch: the messages taken, and the first failure (which holds the mark). */
interface BatchResult {
  taken: Array<{ uid: number; outcome: IntakeOutcome }>;
  failure: unknown;
  firstFailed: number;
}

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
    private readonly uow: UnitOfWork,
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
        for (let start = 0; ahead; ) {
          const { batch, consumed } = await ahead;
          start += consumed;
          ahead = fetchFrom(start);
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
   * Takes a batch, then marks what was taken on the server in one command and moves the mark up
   * to the first message that could not be taken. Chains (messages that share no sender or thread)
   * are taken side by side in one transaction (`takeTogether`); if it fails as a whole — one
   * message refused, two chains registering the same new person — nothing of it is kept and the
   * chains are taken again message by message, where a failure holds up only its own chain.
   */
  private async takeBatch(client: ImapFlow, mailbox: MailboxRow, batch: Fetched[], report: PollReport): Promise<void> {
    const chains = intakeChains(batch);
    const result = await this.takeTogether(mailbox, batch, chains);
    for (const { outcome } of result.taken) {
      report.fetched += 1;
      report.outcomes[outcome.status] = (report.outcomes[outcome.status] ?? 0) + 1;
    }
    // Files of messages a failed chain never reached (taken ones were moved or removed already).
    await this.files.discard(batch.flatMap((message) => (message.file ? [message.file] : [])));
    const taken = result.taken.map(({ uid }) => uid);
    if (taken.length) await this.markProcessed(client, mailbox, taken);
    const safe = batch.map((message) => message.uid).filter((uid) => uid < result.firstFailed);
    if (safe.length) await this.mailboxes.advance(mailbox.id, Math.max(...safe));
    if (result.failure) throw result.failure;
  }

  /**
   * The batch's chains side by side in one transaction; if it failed (nothing of it was kept), the
   * chains are taken again message by message. One transaction, not several: the statements of
   * its pieces are pipelined, so PostgreSQL has work while this process parses, and several
   * transactions only queued behind one another on a row they all lock (the turn of a group that
   * assigns in turn), measured slower into such a group and no faster elsewhere.
   * Only on PostgreSQL: the embedded database has one connection, and a long transaction there
   * would keep every page waiting. Only for batches held in memory: a message streamed to a file
   * would lose it to a failed attempt, since taking it moves the file into the store.
   */
  private async takeTogether(mailbox: MailboxRow, batch: Fetched[], chains: Fetched[][]): Promise<BatchResult> {
    if (this.config.embedded || batch.some((message) => message.file)) return this.takeOneByOne(mailbox, chains);
    const takeChain = async (chain: Fetched[]) => {
      const taken: BatchResult['taken'] = [];
      for (const message of chain) taken.push({ uid: message.uid, outcome: await this.intake.take(mailbox, message) });
      return taken;
    };
    try {
      const taken = await this.uow.together(chains.map((chain) => () => takeChain(chain)));
      return { taken: taken.flat(), failure: null, firstFailed: Number.POSITIVE_INFINITY };
    } catch (error) {
      this.log.debug(`${mailbox.name}: chains taken together failed (${(error as Error).message}); taking them message by message`);
      return this.takeOneByOne(mailbox, chains);
    }
  }

  /**
   * Each message in its own transaction, chains side by side on PostgreSQL (one at a time on the
   * embedded database, which has one connection). A message that fails stops its chain: the rest
   * of it waits for the next poll, in order.
   */
  private async takeOneByOne(mailbox: MailboxRow, chains: Fetched[][]): Promise<BatchResult> {
    const result: BatchResult = { taken: [], failure: null, firstFailed: Number.POSITIVE_INFINITY };
    const runChain = async (chain: Fetched[]) => {
      for (const message of chain) {
        try {
          result.taken.push({ uid: message.uid, outcome: await this.intake.take(mailbox, message) });
        } catch (error) {
          result.failure ??= error;
          result.firstFailed = Math.min(result.firstFailed, message.uid);
          return;
        }
      }
    };
    const waiting = [...chains];
    const width = this.config.embedded ? 1 : PARALLEL_CHAINS;
    const worker = async () => {
      for (let chain = waiting.shift(); chain; chain = waiting.shift()) await runChain(chain);
    };
    await Promise.all(Array.from({ length: Math.min(width, waiting.length) }, worker));
    return result;
  }

  /** The files of a batch fetched ahead that will not be taken now (the poll stopped before it). */
  private async discardFetched(ahead: Promise<FetchedBatch> | null): Promise<void> {
    const fetched = await ahead?.catch(() => null);
    await this.files.discard((fetched?.batch ?? []).flatMap((message) => (message.file ? [message.file] : [])));
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
   * The next batch from `window` (the UIDs after the last batch, at most BATCH of them): as many
   * messages as fit BATCH_BYTES held in memory (at least one), in UID order — small ones fetched
   * together into memory, bigger ones streamed one by one to a file (never held whole), and one
   * over the limit as its first bytes only, for the quarantine record. `consumed` says how many
   * UIDs of the window it covers.
   */
  private async fetchBatch(client: ImapFlow, window: number[], limit: number): Promise<FetchedBatch> {
    const sizes = new Map<number, number>();
    for await (const message of client.fetch(window.join(','), { uid: true, size: true }, { uid: true })) sizes.set(message.uid, message.size ?? 0);
    const size = (uid: number) => sizes.get(uid) ?? 0;
    const consumed = batchLength(window.map(size), IN_MEMORY_BYTES, BATCH_BYTES);
    const uids = window.slice(0, consumed);
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
    return { batch: uids.filter((uid) => fetched.has(uid)).map((uid) => fetched.get(uid)!), consumed };
  }

  private async markProcessed(client: ImapFlow, mailbox: MailboxRow, uids: number[]): Promise<void> {
    const range = uids.sort((a, b) => a - b).join(',');
    if (mailbox.processedAction === 'delete') await client.messageDelete(range, { uid: true });
    else if (mailbox.processedAction === 'move' && mailbox.processedFolder) await client.messageMove(range, mailbox.processedFolder, { uid: true });
    else await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
  }
}
