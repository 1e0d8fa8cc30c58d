import type { AuditService } from '../../kernel/audit/audit.service';
import type { Actor } from '../../kernel/security/actor';
import { tokenDigest } from '../../kernel/security/tokens';
import { fakeTransactions, strictFake } from '../../kernel/hooks/testing/fake-data-source';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import type { User } from '../user.entity';
import type { UserRepository } from '../user.repository';
import type { ApiScope } from './api-scopes';
import type { ApiToken } from './api-token.entity';
import type { ApiTokenRepository } from './api-token.repository';
import { ApiTokenService } from './api-token.service';

/** A jest mock that fails the test when called without having been given a behaviour. */
// A fake stands in for any repository method: its arguments and results are the test's business.
const unexpected = (name: string) =>
  jest.fn<any, any[]>(() => {
    throw new Error(`${name} was called unexpectedly`);
  });

function newService() {
  const tokens = {
    insert: unexpected('tokens.insert'),
    findByHash: unexpected('tokens.findByHash'),
    findById: unexpected('tokens.findById'),
    listOf: unexpected('tokens.listOf'),
    revoke: unexpected('tokens.revoke'),
    touch: unexpected('tokens.touch'),
  };
  const users = { findById: unexpected('users.findById'), findByUsername: unexpected('users.findByUsername') };
  const audit = { record: unexpected('audit.record') };
  const { uow, events } = fakeTransactions();
  const sut = new ApiTokenService(
    strictFake<ApiTokenRepository>('tokens', tokens as Partial<ApiTokenRepository>),
    strictFake<UserRepository>('users', users as Partial<UserRepository>),
    strictFake<AuditService>('audit', audit as Partial<AuditService>),
    uow,
  );
  return { sut, fakes: { tokens, users, audit }, events };
}

const user = (overrides: Partial<User> = {}): User =>
  ({ id: 'u-1', username: 'alice', displayName: 'Alice', email: null, passwordHash: null, roles: ['agent'], locale: null, timeZone: null, active: true, ...overrides }) as User;

const actor = (id: string, roles: Actor['roles'] = ['agent']): Actor => ({
  id,
  username: id,
  displayName: id,
  roles,
  isAdmin: roles.includes('administrator'),
  locale: null,
  timeZone: null,
});

const row = (overrides: Partial<ApiToken> = {}): ApiToken =>
  ({
    id: 't-1',
    userId: 'u-1',
    name: 'script',
    tokenHash: 'h',
    prefix: 'AbCdEfGh',
    scopes: ['users:read'] as ApiScope[],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  }) as ApiToken;

const SOME_TOKEN = `opora_${'A'.repeat(43)}`;

describe('ApiTokenService.create', () => {
  it('returns an opora_ token once and stores only its SHA-256, with the owner told apart by a prefix', async () => {
    const { sut, fakes, events } = newService();
    fakes.users.findById.mockResolvedValue(user());
    fakes.tokens.insert.mockImplementation(async (data: object) => row({ ...(data as Partial<ApiToken>), id: 't-9' }));
    fakes.audit.record.mockImplementation(async () => void events.push('audit'));
    const created = await sut.create('u-1', { name: ' deploy ', scopes: ['users:read', 'users:read', 'tokens:read'], by: { actorId: 'u-1', ip: '10.0.0.1' } });

    expect(created.token).toMatch(/^opora_[\w-]{43}$/);
    const stored = fakes.tokens.insert.mock.calls[0]![0] as Record<string, unknown>;
    expect(stored).toEqual({
      userId: 'u-1',
      name: 'deploy',
      tokenHash: tokenDigest(created.token),
      prefix: created.token.slice(6, 14),
      scopes: ['users:read', 'tokens:read'],
      expiresAt: null,
    });
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(6));
    expect(created.record).toMatchObject({ id: 't-9', prefix: created.token.slice(0, 14), scopes: ['users:read', 'tokens:read'] });
    expect(JSON.stringify(created.record)).not.toContain(created.token);
    expect(fakes.audit.record).toHaveBeenCalledWith('token.created', expect.objectContaining({ actorId: 'u-1', subject: 'alice', ip: '10.0.0.1' }));
    expect(JSON.stringify(fakes.audit.record.mock.calls)).not.toContain(created.token);
    expect(events).toEqual(['begin', 'audit', 'commit']);
  });

  it.each([
    ['an unknown scope', { name: 'x', scopes: ['users:read', 'root'] }, 'token_scope_unknown'],
    ['no scope', { name: 'x', scopes: [] }, 'token_scopes_empty'],
    ['a blank name', { name: '   ', scopes: ['users:read'] }, 'token_name_invalid'],
    ['an expiry in the past', { name: 'x', scopes: ['users:read'], expiresAt: new Date(Date.now() - 1000) }, 'token_expiry_past'],
    ['scopes beyond the calling token', { name: 'x', scopes: ['users:read', 'tokens:write'], within: ['users:read'] as ApiScope[] }, 'token_scope_exceeds'],
  ])('refuses %s and stores nothing', async (_case, input, code) => {
    const { sut } = newService();
    await expect(sut.create('u-1', input)).rejects.toMatchObject({ code });
  });

  it('refuses a deactivated person and an unknown one', async () => {
    const { sut, fakes } = newService();
    fakes.users.findById.mockResolvedValueOnce(user({ active: false })).mockResolvedValueOnce(null);
    await expect(sut.create('u-1', { name: 'x', scopes: ['users:read'] })).rejects.toMatchObject({ code: 'token_user_inactive', status: 409 });
    await expect(sut.create('u-2', { name: 'x', scopes: ['users:read'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds the owner by user name for the CLI, and names the one it cannot find', async () => {
    const { sut, fakes } = newService();
    fakes.users.findByUsername.mockResolvedValueOnce(user()).mockResolvedValueOnce(null);
    await expect(sut.ownerByUsername('Alice')).resolves.toBe('u-1');
    await expect(sut.ownerByUsername('bob')).rejects.toMatchObject({ code: 'token_user_unknown', vars: { username: 'bob' } });
  });
});

describe('ApiTokenService.list', () => {
  it('shows the owner their tokens without any hash or secret', async () => {
    const { sut, fakes } = newService();
    fakes.tokens.listOf.mockResolvedValue([row()]);
    const list = await sut.list('u-1');
    expect(fakes.tokens.listOf).toHaveBeenCalledWith('u-1');
    expect(list).toEqual([
      { id: 't-1', name: 'script', prefix: 'opora_AbCdEfGh', scopes: ['users:read'], createdAt: row().createdAt, expiresAt: null, lastUsedAt: null },
    ]);
  });
});

describe('ApiTokenService.revoke', () => {
  it("revokes the actor's own token", async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findById.mockResolvedValue(row());
    fakes.tokens.revoke.mockResolvedValue(undefined);
    await sut.revoke(actor('u-1'), 't-1');
    expect(fakes.tokens.revoke).toHaveBeenCalledWith('t-1');
  });

  it("answers someone else's token exactly like a missing one", async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findById.mockResolvedValueOnce(row({ userId: 'u-2' })).mockResolvedValueOnce(null);
    const foreign = await sut.revoke(actor('u-1'), 't-1').catch((error: unknown) => error);
    const missing = await sut.revoke(actor('u-1'), 't-404').catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(fakes.tokens.revoke).not.toHaveBeenCalled();
  });

  it("lets an administrator revoke anyone's token", async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findById.mockResolvedValue(row({ userId: 'u-2' }));
    fakes.tokens.revoke.mockResolvedValue(undefined);
    await sut.revoke(actor('admin', ['administrator']), 't-1');
    expect(fakes.tokens.revoke).toHaveBeenCalledWith('t-1');
  });

  it('does not write again for a token already revoked', async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findById.mockResolvedValue(row({ revokedAt: new Date() }));
    await expect(sut.revoke(actor('u-1'), 't-1')).resolves.toBeUndefined();
  });
});

describe('ApiTokenService.authenticate', () => {
  const withOwner = (overrides: Partial<ApiToken> = {}, owner: Partial<User> = {}) => ({ ...row(overrides), user: user(owner) });

  it('does not look up what cannot be a token', async () => {
    const { sut } = newService();
    for (const bearer of ['', 'opora_short', `other_${'A'.repeat(43)}`, `${SOME_TOKEN}x`, `opora_${'A'.repeat(42)}=`]) {
      await expect(sut.authenticate(bearer)).resolves.toBeNull();
    }
  });

  it('refuses an unknown token', async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findByHash.mockResolvedValue(null);
    await expect(sut.authenticate(SOME_TOKEN)).resolves.toBeNull();
    expect(fakes.tokens.findByHash).toHaveBeenCalledWith(tokenDigest(SOME_TOKEN));
  });

  it.each([
    ['revoked', withOwner({ revokedAt: new Date() })],
    ['expired', withOwner({ expiresAt: new Date(Date.now() - 1) })],
    ['owned by a deactivated person', withOwner({}, { active: false })],
  ])('refuses a token that is %s, without noting its use', async (_case, stored) => {
    const { sut, fakes } = newService();
    fakes.tokens.findByHash.mockResolvedValue(stored);
    await expect(sut.authenticate(SOME_TOKEN)).resolves.toBeNull();
    expect(fakes.tokens.touch).not.toHaveBeenCalled();
  });

  it("gives the owner as actor with the token's scopes, and notes a first use", async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findByHash.mockResolvedValue(withOwner({ scopes: ['users:read', 'tokens:read'], expiresAt: new Date(Date.now() + 60_000) }));
    fakes.tokens.touch.mockResolvedValue(undefined);
    const identity = await sut.authenticate(SOME_TOKEN);
    expect(identity).toEqual({
      actor: { id: 'u-1', username: 'alice', displayName: 'Alice', roles: ['agent'], isAdmin: false, locale: null, timeZone: null },
      scopes: ['users:read', 'tokens:read'],
      tokenId: 't-1',
    });
    expect(fakes.tokens.touch).toHaveBeenCalledWith('t-1');
  });

  it('notes the use at most once a minute', async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findByHash.mockResolvedValueOnce(withOwner({ lastUsedAt: new Date(Date.now() - 30_000) }));
    await expect(sut.authenticate(SOME_TOKEN)).resolves.not.toBeNull();
    expect(fakes.tokens.touch).not.toHaveBeenCalled();

    fakes.tokens.findByHash.mockResolvedValueOnce(withOwner({ lastUsedAt: new Date(Date.now() - 61_000) }));
    fakes.tokens.touch.mockResolvedValue(undefined);
    await expect(sut.authenticate(SOME_TOKEN)).resolves.not.toBeNull();
    expect(fakes.tokens.touch).toHaveBeenCalledTimes(1);
  });

  it('lets a repository failure reach the caller instead of answering "no such token"', async () => {
    const { sut, fakes } = newService();
    fakes.tokens.findByHash.mockRejectedValue(new Error('connection lost'));
    await expect(sut.authenticate(SOME_TOKEN)).rejects.toThrow('connection lost');
  });
});

describe('refusals are domain errors', () => {
  it('carries an i18n key under tokens.', async () => {
    const { sut } = newService();
    const error = (await sut.create('u-1', { name: 'x', scopes: ['nope'] }).catch((e: unknown) => e)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.i18nKey).toBe('tokens.errors.scope_unknown');
    expect(error.vars).toEqual({ scope: 'nope' });
  });
});
