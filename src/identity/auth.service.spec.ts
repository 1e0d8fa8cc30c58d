import type { ConfigService } from '../kernel/config/config.service';
import { HookBus } from '../kernel/hooks/hook-bus';
import { fakeTransactions, strictFake } from '../kernel/hooks/testing/fake-data-source';
import type { LoginThrottle, ThrottleVerdict } from '../kernel/security/login-throttle';
import type { PasswordHasher } from '../kernel/security/password-hasher';
import { tokenDigest } from '../kernel/security/tokens';
import { DomainError } from '../kernel/web/domain-error';
import { AuthService } from './auth.service';
import type { DirectorySignInService } from './directory/directory-sign-in.service';
import { userRecord } from './testing/user-record';
import type { User } from './user.entity';
import type { UserTokenRepository } from './user-token.repository';
import type { UserRepository } from './user.repository';

const alice: User = userRecord({
  id: 'u-alice',
  username: 'alice',
  displayName: 'Alice',
  passwordHash: 'hash:right password here',
  roles: ['agent'],
  locale: 'ru',
  timeZone: 'Europe/Moscow',
});

/** What the directories answer in a test: an account, nobody, or that they cannot be reached. */
type DirectoryAnswer = User | null | 'unavailable';

interface AuthOptions {
  verdict?: ThrottleVerdict;
  user?: User | null;
  liveToken?: string;
  directory?: DirectoryAnswer;
  localStaffSignIn?: boolean;
}

function newAuthService(options: AuthOptions = {}) {
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
  const directorySignIn = strictFake<DirectorySignInService>('directorySignIn', {
    authenticate: async (name: string, password: string) => {
      calls.push(`directory:${name}`);
      const answer = options.directory ?? null;
      if (answer === 'unavailable') throw new DomainError('directory_unavailable', 'auth.errors.directory_unavailable', 503);
      return answer && password === 'directory password' ? answer : null;
    },
  });
  const config = strictFake<ConfigService>('config', {
    get: ((key: string) => (key === 'auth.local_staff_sign_in' ? (options.localStaffSignIn ?? true) : undefined)) as ConfigService['get'],
  });
  return { sut: new AuthService(users, tokens, hasher, throttle, hooks, uow, directorySignIn, config), calls, fired, hooks };
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

  it('answers an unknown user exactly like a wrong password, after asking the directories', async () => {
    const { sut, calls } = newAuthService({ user: null });
    expect(await codeOf(sut.signIn('nobody', 'whatever', '10.0.0.1'))).toBe('401 invalid_credentials');
    expect(calls).toEqual(['directory:nobody', 'failure:10.0.0.1:nobody']);
  });

  it('never asks the directories about an account with a local password', async () => {
    const { sut, calls } = newAuthService({ directory: { ...alice, id: 'u-other' } });
    expect(await codeOf(sut.signIn('alice', 'directory password', '10.0.0.1'))).toBe('401 invalid_credentials');
    expect(calls).not.toContain('directory:alice');
  });

  it('signs in a directory user (no local password) through the directories', async () => {
    const fromDirectory = userRecord({ id: 'u-dir', username: 'dora', directoryId: 'd-1', roles: ['agent', 'requester'] });
    const { sut, calls, fired, hooks } = newAuthService({ user: fromDirectory, directory: fromDirectory });
    await expect(sut.signIn('dora', 'directory password', '10.0.0.1')).resolves.toMatchObject({ id: 'u-dir' });
    await hooks.settled();
    expect(calls).toEqual(['directory:dora', 'success:dora']);
    expect(fired).toEqual(['signed_in:u-dir']);
  });

  it('tells a person when the directory cannot be reached, without counting it as a wrong password', async () => {
    const { sut, calls, fired, hooks } = newAuthService({ user: null, directory: 'unavailable' });
    expect(await codeOf(sut.signIn('dora', 'directory password', '10.0.0.1'))).toBe('503 directory_unavailable');
    await hooks.settled();
    expect(calls).toEqual(['directory:dora']);
    expect(fired).toEqual(['failed:directory_unavailable']);
  });

  describe('with local sign-in turned off for staff', () => {
    it('refuses staff with a local password, after checking it', async () => {
      const { sut, fired, hooks } = newAuthService({ localStaffSignIn: false });
      expect(await codeOf(sut.signIn('alice', 'right password here', '10.0.0.1'))).toBe('403 local_sign_in_disabled');
      await hooks.settled();
      expect(fired).toEqual(['failed:local_sign_in_disabled']);
    });

    it('still answers a wrong password as invalid (says nothing about the account)', async () => {
      const { sut } = newAuthService({ localStaffSignIn: false });
      expect(await codeOf(sut.signIn('alice', 'wrong', '10.0.0.1'))).toBe('401 invalid_credentials');
    });

    it.each([
      ['an administrator (the break-glass account)', ['administrator', 'agent'] as const],
      ['a requester', ['requester'] as const],
    ])('lets %s in with the local password', async (_who, roles) => {
      const { sut } = newAuthService({ localStaffSignIn: false, user: { ...alice, roles: [...roles] } });
      await expect(sut.signIn('alice', 'right password here', '10.0.0.1')).resolves.toMatchObject({ id: 'u-alice' });
    });
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
