import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';

export type Security = 'tls' | 'starttls' | 'none';
export type ProcessedAction = 'flag' | 'move' | 'delete';

/** A mailbox as stored; the secret stays sealed until a connection needs it. */
export interface MailboxRow {
  id: string;
  name: string;
  address: string;
  host: string;
  port: number;
  security: Security;
  caFile: string | null;
  username: string;
  auth: 'password' | 'xoauth2';
  /** The password, or for OAuth2 the refresh token (with a token endpoint) or an access token (without). */
  secretSealed: string | null;
  oauthTokenUrl: string | null;
  oauthClientId: string | null;
  oauthClientSecretSealed: string | null;
  oauthScope: string | null;
  folder: string;
  processedAction: ProcessedAction;
  processedFolder: string | null;
  unknownSenders: 'create' | 'reject';
  defaultServiceId: string | null;
  defaultGroupId: string | null;
  since: string | null;
  maxMessageMb: number;
  /** Ends the mail about its tickets, in place of the desk's general signature. */
  signature: string;
  active: boolean;
  uidValidity: string | null;
  lastUid: string;
  lastPolledAt: Date | null;
  lastError: string | null;
}

export type MailboxFields = Omit<MailboxRow, 'id' | 'uidValidity' | 'lastUid' | 'lastPolledAt' | 'lastError'>;

const COLUMNS = `id, name, address, host, port, security, ca_file AS "caFile", username, auth, secret_sealed AS "secretSealed",
  oauth_token_url AS "oauthTokenUrl", oauth_client_id AS "oauthClientId", oauth_client_secret_sealed AS "oauthClientSecretSealed", oauth_scope AS "oauthScope", folder,
  processed_action AS "processedAction", processed_folder AS "processedFolder", unknown_senders AS "unknownSenders",
  default_service_id AS "defaultServiceId", default_group_id AS "defaultGroupId", to_char(since, 'YYYY-MM-DD') AS since,
  max_message_mb AS "maxMessageMb", signature, active, uid_validity::text AS "uidValidity", last_uid::text AS "lastUid",
  last_polled_at AS "lastPolledAt", last_error AS "lastError"`;

const WRITABLE: Record<keyof MailboxFields, string> = {
  name: 'name',
  address: 'address',
  host: 'host',
  port: 'port',
  security: 'security',
  caFile: 'ca_file',
  username: 'username',
  auth: 'auth',
  secretSealed: 'secret_sealed',
  oauthTokenUrl: 'oauth_token_url',
  oauthClientId: 'oauth_client_id',
  oauthClientSecretSealed: 'oauth_client_secret_sealed',
  oauthScope: 'oauth_scope',
  folder: 'folder',
  processedAction: 'processed_action',
  processedFolder: 'processed_folder',
  unknownSenders: 'unknown_senders',
  defaultServiceId: 'default_service_id',
  defaultGroupId: 'default_group_id',
  since: 'since',
  maxMessageMb: 'max_message_mb',
  signature: 'signature',
  active: 'active',
};

/** The only place that queries mailboxes. */
@Injectable()
export class MailboxRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  list(): Promise<MailboxRow[]> {
    return this.query(`SELECT ${COLUMNS} FROM mailboxes ORDER BY lower(name)`);
  }

  async find(id: string): Promise<MailboxRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return (await this.query<MailboxRow>(`SELECT ${COLUMNS} FROM mailboxes WHERE id = $1`, [id]))[0] ?? null;
  }

  /** Every mailbox address, lower case: mail from one of them is our own coming back. */
  async addresses(): Promise<Set<string>> {
    return new Set((await this.query<{ address: string }>(`SELECT lower(address) AS address FROM mailboxes`)).map((row) => row.address));
  }

  async insert(fields: MailboxFields): Promise<string> {
    const names = Object.keys(WRITABLE) as Array<keyof MailboxFields>;
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO mailboxes (${names.map((name) => WRITABLE[name]).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      names.map((name) => fields[name]),
    );
    return row!.id;
  }

  async update(id: string, fields: Partial<MailboxFields>): Promise<void> {
    const names = (Object.keys(fields) as Array<keyof MailboxFields>).filter((name) => name in WRITABLE);
    if (!names.length) return;
    await this.query(
      `WITH changed AS (UPDATE mailboxes SET ${names.map((name, i) => `${WRITABLE[name]} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1 RETURNING 1) SELECT 1 FROM changed`,
      [id, ...names.map((name) => fields[name])],
    );
  }

  /** What a poll learnt: where it got to, and the server's error if it failed (null when it went well). */
  async recordPoll(id: string, state: { uidValidity?: bigint; lastUid?: number; error: string | null }): Promise<void> {
    await this.query(
      `WITH polled AS (UPDATE mailboxes SET uid_validity = coalesce($2::bigint, uid_validity), last_uid = coalesce($3::bigint, last_uid),
              last_error = $4, last_polled_at = now() WHERE id = $1 RETURNING 1) SELECT 1 FROM polled`,
      [id, state.uidValidity?.toString() ?? null, state.lastUid ?? null, state.error],
    );
  }

  /** A rotated OAuth2 refresh token (the endpoint hands out a new one with each access token). */
  async replaceSecret(id: string, sealed: string): Promise<void> {
    await this.query(`WITH changed AS (UPDATE mailboxes SET secret_sealed = $2 WHERE id = $1 RETURNING 1) SELECT 1 FROM changed`, [id, sealed]);
  }

  /** Moves the mark forward only (two polls racing never move it back). */
  async advance(id: string, uid: number): Promise<void> {
    await this.query(`WITH moved AS (UPDATE mailboxes SET last_uid = greatest(last_uid, $2) WHERE id = $1 RETURNING 1) SELECT 1 FROM moved`, [id, uid]);
  }
}
