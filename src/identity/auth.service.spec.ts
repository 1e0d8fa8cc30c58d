import { HookBus } from '../kernel/hooks/hook-bus';
import { fakeTransactions, strictFake } from '../kernel/hooks/testing/fake-data-source';
import type { LoginThrottle, ThrottleVerdict } from '../kernel/security/login-throttle';
import type { PasswordHasher } from '../kernel/security/password-hasher';
import { tokenDigest } from '../kernel/security/tokens';
import { DomainError } from '../kernel/web/domain-error';
import { AuthService } from './auth.service';
import type { User } from './user.entity';
import type { UserTokenRepository } from './user-token.repository';
import type { UserRepository } from './user.repository';

const alice: User = {
  id: 'u-alice',
  username: 'alice',
  displayName: 'Alice',
  email: null,
  passwordHash: 'hash:right password here',
  roles: ['agent'],
  locale: 'ru',
  timeZone: 'Europe/Moscow',
  active: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

function newAuthService(options: { verdict?: ThrottleVerdict; user?: User | null; liveToken?: string } = {}) {
  const calls: string[] = [];
  const users = strictFake<UserRepository>('users', {
    findByUsername: async () => (options.user === undefined ? alice : options.user),
    findById: async () => options.user ?? alice,
    setPassword: async (id: string) => void calls.push(`setPassword:${id}`),
  });
  const tokens = strictFake<UserTokenRepository>('tokens', {
    findLive: async (digest: string) => (options.liveToken && digest === tokenDigest(options.liveToken) ? alice.id : undefined),
    consume: async (digest: string) => {
      calls.push('consume');
      return options.liveToken && digest === tokenDigest(options.liveToken) ? alice.id : undefined;
    },
  });
  const hasher = strictFake<PasswordHasher>('hasher', {
    verify: async (stored: string | null | undefined, password: string) => stored === `hash:${password}`,
    hash: async (password: string) => `hash:${password}`,
  });
  const throttle = strictFake<LoginThrottle>('throttle', {
    check: async () => options.verdict ?? { blocked: false },
    recordFailure: async (ip: string, name: string) => void calls.push(`failure:${ip}:${name}`),
    recordSuccess: async (name: string) => void calls.push(`success:${name}`),
  });
  const { uow } = fakeTransactions();
  const hooks = new HookBus(uow);
  const fired: string[] = [];
  hooks.addAction('user.signed_in', ({ userId }) => void fired.push(`signed_in:${userId}`));
  hooks.addAction('user.sign_in_failed', ({ reason }) => void fired.push(`failed:${reason}`));
  return { sut: new AuthService(users, tokens, hasher, throttle, hooks, uow), calls, fired, hooks };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return `${error.status} ${error.code}`;
    throw error;
  }
}

describe('AuthService.signIn', () => {
  it('signs in with the right password, clears the name count and announces it', async () => {
    const { sut, calls, fired, hooks } = newAuthService();
    await expect(sut.signIn('Alice', 'right password here', '10.0.0.1')).resolves.toMatchObject({ id: 'u-alice', locale: 'ru' });
    await hooks.settled();
    expect(calls).toEqual(['success:Alice']);
    expect(fired).toEqual(['signed_in:u-alice']);
  });

  it('refuses a wrong password and counts the failure', async () => {
    const { sut, calls, fired, hooks } = newAuthService();
    expect(await codeOf(sut.signIn('alice', 'wrong', '10.0.0.1'))).toBe('401 invalid_credentials');
    await hooks.settled();
    expect(calls).toEqual(['failure:10.0.0.1:alice']);
    expect(fired).toEqual(['failed:invalid_credentials']);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const { sut } = newAuthService({ user: null });
    expect(await codeOf(sut.signIn('nobody', 'whatever', '10.0.0.1'))).toBe('401 invalid_credentials');
  });

  it('refuses a deactivated user even with the right password', async () => {
    const { sut } = newAuthService({ user: { ...alice, active: false } });
    expect(await codeOf(sut.signIn('alice', 'right password here', '10.0.0.1'))).toBe('401 invalid_credentials');
  });

  it('refuses everything while throttled, the right password included', async () => {
    const { sut, calls } = newAuthService({ verdict: { blocked: true, retryAfterSeconds: 125 } });
    const error = await sut.signIn('alice', 'right password here', '10.0.0.1').catch((caught: DomainError) => caught);
    expect(error).toMatchObject({ status: 429, code: 'too_many_attempts', vars: { count: 3 } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['', 'x'],
    ['alice', ''],
    ['   ', 'x'],
  ])('refuses missing credentials (%p, %p) without touching the throttle', async (username, password) => {
    const { sut, calls } = newAuthService();
    expect(await codeOf(sut.signIn(username, password, '10.0.0.1'))).toBe('400 credentials_missing');
    expect(calls).toEqual([]);
  });

  it('does not look up absurdly long names, and still counts the failure', async () => {
    const { sut, calls } = newAuthService();
    expect(await codeOf(sut.signIn('a'.repeat(5000), 'x', '10.0.0.1'))).toBe('401 invalid_credentials');
    expect(calls).toHaveLength(1);
  });
});

describe('AuthService.completeSetup', () => {
  it('sets the password and spends the link', async () => {
    const { sut, calls } = newAuthService({ liveToken: 'tok' });
    await expect(sut.completeSetup('tok', 'a long enough password')).resolves.toMatchObject({ id: 'u-alice' });
    expect(calls).toEqual(['consume', 'setPassword:u-alice']);
  });

  it('refuses an unknown, used or expired link', async () => {
    const { sut, calls } = newAuthService({ liveToken: 'tok' });
    expect(await codeOf(sut.completeSetup('other', 'a long enough password'))).toBe('410 setup_link_invalid');
    expect(calls).toEqual([]);
  });

  it('refuses a weak password without spending the link', async () => {
    const { sut, calls } = newAuthService({ liveToken: 'tok' });
    expect(await codeOf(sut.completeSetup('tok', 'short'))).toBe('400 password_rejected');
    expect(calls).toEqual([]);
  });
});

describe('AuthService.createAdmin', () => {
  it('refuses a weak password', async () => {
    const { sut } = newAuthService();
    expect(await codeOf(sut.createAdmin('bob', 'short'))).toBe('400 password_rejected');
  });

  it('refuses a user name with characters that could confuse directories or URLs', async () => {
    const { sut } = newAuthService();
    expect(await codeOf(sut.createAdmin('bob*)(uid=*', 'a long enough password'))).toBe('400 username_invalid');
  });
});
