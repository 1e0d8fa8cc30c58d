import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { newToken, tokenDigest } from '../../kernel/security/tokens';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { toActor, UserRepository } from '../user.repository';
import { type ApiScope, checkScopes } from './api-scopes';
import type { ApiToken } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';

/** Every token starts with this, so that a leaked one is easy to recognise (secret scanners, logs). */
export const TOKEN_PREFIX = 'opora_';
/** `opora_` and 43 base64url characters (256 random bits). Anything else is not looked up. */
const TOKEN_SHAPE = /^opora_[A-Za-z0-9_-]{43}$/;
/** How many characters of the random part are kept in clear to tell tokens apart. */
const SHOWN_CHARACTERS = 8;
/** last_used_at is written at most this often per token. */
export const TOUCH_INTERVAL_MS = 60_000;
const MAX_NAME = 100;

/** A token as its owner sees it: never the secret. */
export interface ApiTokenView {
  id: string;
  name: string;
  /** The token's first characters (`opora_` and 8 more), to tell tokens apart. */
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** What creating a token returns: the secret, shown this once, and the stored record. */
export interface CreatedApiToken {
  token: string;
  record: ApiTokenView;
}

/** Who a bearer token acts for, and what it may be used for. */
export interface TokenIdentity {
  actor: Actor;
  scopes: readonly ApiScope[];
  tokenId: string;
}

export interface NewApiTokenInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
  /** When a token creates a token: the new one may not have scopes the calling token lacks. */
  within?: readonly ApiScope[];
  /** For the audit log: who asked (null from the CLI) and from where. */
  by?: { actorId: string | null; ip?: string | null };
}

/**
 * Personal API tokens: created for a person with scopes and an optional expiry, listed without
 * their secret, revoked by their owner (or an administrator), and checked on every API request.
 * Only the SHA-256 of the secret is stored, so the database cannot give a usable token away.
 */
@Injectable()
export class ApiTokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  /** The id of the person with this user name (any case), for the CLI. */
  async ownerByUsername(username: string): Promise<string> {
    const user = await this.users.findByUsername(username.trim());
    if (!user) throw new DomainError('token_user_unknown', 'tokens.errors.user_unknown', 404, { username: username.trim() });
    return user.id;
  }

  async create(userId: string, input: NewApiTokenInput): Promise<CreatedApiToken> {
    const name = input.name.trim();
    if (!name || name.length > MAX_NAME) throw new DomainError('token_name_invalid', 'tokens.errors.name', 400, { max: MAX_NAME });
    const scopes = checkScopes(input.scopes);
    if (input.within) {
      const beyond = scopes.filter((scope) => !input.within!.includes(scope));
      if (beyond.length) throw new DomainError('token_scope_exceeds', 'tokens.errors.scope_exceeds', 403, { scope: beyond.join(', ') });
    }
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw new DomainError('token_expiry_past', 'tokens.errors.expiry_past', 400);
    return this.uow.transaction(async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new NotFoundError();
      if (!user.active) throw new DomainError('token_user_inactive', 'tokens.errors.user_inactive', 409, { username: user.username });
      const secret = newToken();
      const token = `${TOKEN_PREFIX}${secret}`;
      const row = await this.tokens.insert({
        userId,
        name,
        tokenHash: tokenDigest(token),
        prefix: secret.slice(0, SHOWN_CHARACTERS),
        scopes,
        expiresAt,
      });
      const record = toView(row);
      await this.audit.record('token.created', {
        actorId: input.by?.actorId ?? null,
        subject: user.username,
        ip: input.by?.ip ?? null,
        details: { tokenId: row.id, name, prefix: record.prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null },
      });
      return { token, record };
    });
  }

  /** The person's tokens that are not revoked, newest first; expired ones stay listed until revoked. */
  async list(userId: string): Promise<ApiTokenView[]> {
    return (await this.tokens.listOf(userId)).map(toView);
  }

  /**
   * Revokes a token of the actor's, or anyone's for someone who manages tokens; a token of
   * someone else answers exactly like a missing one. Revoking twice is not an error.
   */
  async revoke(actor: Actor, tokenId: string): Promise<void> {
    const token = await this.tokens.findById(tokenId);
    if (!token || (token.userId !== actor.id && !actorCan(actor, 'admin.tokens.manage'))) throw new NotFoundError();
    if (!token.revokedAt) await this.tokens.revoke(token.id);
  }

  /**
   * The identity behind `Authorization: Bearer <token>`, or null for a token that is malformed,
   * unknown, revoked or expired, or whose owner is deactivated. Notes the use at most once a minute.
   */
  async authenticate(bearer: string): Promise<TokenIdentity | null> {
    if (!TOKEN_SHAPE.test(bearer)) return null;
    const token = await this.tokens.findByHash(tokenDigest(bearer));
    if (!token || token.revokedAt || !token.user.active) return null;
    const now = Date.now();
    if (token.expiresAt && token.expiresAt.getTime() <= now) return null;
    if (!token.lastUsedAt || now - token.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await this.tokens.touch(token.id);
    return { actor: toActor(token.user), scopes: token.scopes, tokenId: token.id };
  }
}

export function toView(token: ApiToken): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: `${TOKEN_PREFIX}${token.prefix}`,
    scopes: token.scopes,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
  };
}
