import { existsSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { SecretBox } from '../kernel/security/secret-box';
import { DomainError, NotFoundError } from '../kernel/web/domain-error';
import { normalizeAddress } from '../kernel/mail/recipients';
import { WorkGroupService } from '../identity/groups/work-group.service';
import { imapClient, imapErrorText } from './imap-connection';
import { MailboxRepository, type MailboxFields, type MailboxRow } from './mailbox.repository';
import { OAuthTokens } from './oauth-tokens';

/** What the mailbox form and the CLI give; a blank secret keeps the stored one. */
export interface MailboxInput {
  name: string;
  address: string;
  host: string;
  port?: number | string;
  security: string;
  caFile?: string;
  username: string;
  auth?: string;
  secret?: string;
  /** OAuth2 (with XOAUTH2): the token endpoint, the client, its secret (blank keeps it) and the scope. */
  oauthTokenUrl?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  oauthScope?: string;
  folder?: string;
  processedAction?: string;
  processedFolder?: string;
  unknownSenders?: string;
  defaultServiceId?: string;
  defaultGroup?: string;
  since?: string;
  maxMessageMb?: number | string;
  signature?: string;
  active?: boolean;
}

const SECURITY = ['tls', 'starttls', 'none'] as const;
const ACTIONS = ['flag', 'move', 'delete'] as const;
const UNKNOWN = ['create', 'reject'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(field: string, key: string, vars: Record<string, unknown> = {}): never {
  throw new DomainError(`mailbox_${field}_invalid`, key, 400, { ...vars, field });
}

function text(value: string | undefined, field: string, max: number, required = true): string {
  const clean = (value ?? '').replace(/[\r\n\0]/g, '').trim();
  if (required && !clean) refuse(field, 'validation.required');
  if (clean.length > max) refuse(field, 'validation.too_long', { count: max });
  return clean;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) refuse(field, 'mailboxes.errors.choice');
  return value as T;
}

function whole(value: number | string | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) refuse(field, 'mailboxes.errors.number', { min, max });
  return number;
}

/**
 * The mailboxes Opora reads: checked settings, the secret sealed with SECRET_KEY (never shown
 * again, never logged), and the connection test that reports the server's own error.
 */
@Injectable()
export class MailboxService {
  constructor(
    private readonly mailboxes: MailboxRepository,
    private readonly groups: WorkGroupService,
    private readonly box: SecretBox,
    private readonly tokens: OAuthTokens,
  ) {}

  list(): Promise<MailboxRow[]> {
    return this.mailboxes.list();
  }

  async get(id: string): Promise<MailboxRow> {
    const mailbox = await this.mailboxes.find(id);
    if (!mailbox) throw new NotFoundError();
    return mailbox;
  }

  async create(input: MailboxInput): Promise<string> {
    const fields = await this.fields(input, null);
    if (!fields.secretSealed) refuse('secret', 'validation.required');
    return this.unique(() => this.mailboxes.insert(fields as MailboxFields));
  }

  async update(id: string, input: MailboxInput): Promise<void> {
    const current = await this.get(id);
    const fields = await this.fields(input, current);
    await this.unique(() => this.mailboxes.update(id, fields));
  }

  /** The default group's name, for the form (it is chosen by name). */
  async groupNameOf(mailbox: MailboxRow): Promise<string> {
    return mailbox.defaultGroupId ? ((await this.groups.nameOf(mailbox.defaultGroupId)) ?? '') : '';
  }

  /** What a connection signs in with: the password, or a current OAuth2 access token. */
  async credentialOf(mailbox: MailboxRow): Promise<string> {
    if (!mailbox.secretSealed) throw new Error(`mailbox ${mailbox.name} has no password`);
    return mailbox.auth === 'xoauth2' ? this.tokens.accessToken(mailbox) : this.box.open(mailbox.secretSealed);
  }

  /** Connects, signs in and opens the folder; the server's error when any of it fails. */
  async test(id: string): Promise<{ ok: true; messages: number } | { ok: false; error: string }> {
    const mailbox = await this.get(id);
    let client;
    try {
      client = imapClient(mailbox, await this.credentialOf(mailbox));
    } catch (error) {
      return { ok: false, error: imapErrorText(error) };
    }
    client.on('error', () => undefined);
    try {
      await client.connect();
      const opened = await client.mailboxOpen(mailbox.folder, { readOnly: true });
      return { ok: true, messages: opened.exists };
    } catch (error) {
      return { ok: false, error: imapErrorText(error) };
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async fields(input: MailboxInput, current: MailboxRow | null): Promise<MailboxFields> {
    const address = normalizeAddress(input.address ?? '');
    if (!address) refuse('address', 'mailboxes.errors.address');
    const security = oneOf(input.security, SECURITY, 'tls', 'security');
    const processedAction = oneOf(input.processedAction, ACTIONS, 'flag', 'processedAction');
    const processedFolder = text(input.processedFolder, 'processedFolder', 200, processedAction === 'move');
    const caFile = text(input.caFile, 'caFile', 500, false);
    if (caFile && !existsSync(caFile)) refuse('caFile', 'mailboxes.errors.ca_file', { path: caFile });
    const since = text(input.since, 'since', 10, false);
    if (since && (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since)))) refuse('since', 'mailboxes.errors.date');
    const serviceId = text(input.defaultServiceId, 'defaultServiceId', 40, false);
    if (serviceId && !UUID.test(serviceId)) refuse('defaultServiceId', 'mailboxes.errors.choice');
    const groupName = text(input.defaultGroup, 'defaultGroup', 200, false);
    const groupId = groupName ? await this.groups.activeGroupId(groupName) : null;
    if (groupName && !groupId) refuse('defaultGroup', 'people.errors.group_unknown', { name: groupName });
    const secret = input.secret ?? '';
    if (secret.length > 10_000) refuse('secret', 'validation.too_long', { count: 10_000 });
    const auth = oneOf(input.auth, ['password', 'xoauth2'] as const, 'password', 'auth');
    const tokenUrl = text(input.oauthTokenUrl, 'oauthTokenUrl', 500, false);
    if (tokenUrl && !/^https?:\/\/[^\s]+$/i.test(tokenUrl)) refuse('oauthTokenUrl', 'mailboxes.errors.url');
    const clientSecret = input.oauthClientSecret ?? '';
    return {
      name: text(input.name, 'name', 200),
      address,
      host: text(input.host, 'host', 255),
      port: whole(input.port, security === 'tls' ? 993 : 143, 1, 65535, 'port'),
      security,
      caFile: caFile || null,
      username: text(input.username, 'username', 320),
      auth,
      secretSealed: secret ? this.box.seal(secret) : (current?.secretSealed ?? null),
      oauthTokenUrl: auth === 'xoauth2' && tokenUrl ? tokenUrl : null,
      oauthClientId: auth === 'xoauth2' ? text(input.oauthClientId, 'oauthClientId', 500, false) || null : null,
      oauthClientSecretSealed: auth !== 'xoauth2' ? null : clientSecret ? this.box.seal(clientSecret) : (current?.oauthClientSecretSealed ?? null),
      oauthScope: auth === 'xoauth2' ? text(input.oauthScope, 'oauthScope', 1000, false) || null : null,
      folder: text(input.folder, 'folder', 200, false) || 'INBOX',
      processedAction,
      processedFolder: processedFolder || null,
      unknownSenders: oneOf(input.unknownSenders, UNKNOWN, 'create', 'unknownSenders'),
      defaultServiceId: serviceId || null,
      defaultGroupId: groupId,
      since: since || null,
      maxMessageMb: whole(input.maxMessageMb, 25, 1, 200, 'maxMessageMb'),
      signature: (input.signature ?? '').replace(/\0/g, '').trim().slice(0, 2000),
      active: input.active ?? true,
    };
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint ?? '';
      if (constraint === 'mailboxes_address_key') refuse('address', 'mailboxes.errors.address_taken');
      if (constraint === 'mailboxes_name_key') refuse('name', 'mailboxes.errors.name_taken');
      throw error;
    }
  }
}
