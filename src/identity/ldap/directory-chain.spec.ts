import type { Directory, DirectoryTestReport, DirectoryUser } from './directory';
import { DirectoryChain } from './directory-chain';
import { DirectoryError, invalidCredentials } from './ldap-errors';

type Behaviour = 'knows' | 'unknown' | 'wrong' | 'down' | 'broken' | 'crash';

/** A directory that answers every sign-in the same way, and records that it was asked. */
function fake(name: string, behaviour: Behaviour, asked: string[]): Directory {
  const user = (username: string): DirectoryUser => ({ directory: name, dn: `uid=${username},dc=${name}`, username, displayName: username, email: null, groups: [] });
  const answer = async (username: string): Promise<DirectoryUser> => {
    asked.push(name);
    switch (behaviour) {
      case 'knows':
        return user(username);
      case 'unknown':
        throw invalidCredentials(name, 'unknown_user');
      case 'wrong':
        throw invalidCredentials(name, 'wrong_password');
      case 'down':
        throw new DirectoryError('unavailable', `${name}: connect: connect ECONNREFUSED 10.0.0.9:389`, {
          directory: name,
          serverMessage: 'connect ECONNREFUSED 10.0.0.9:389',
        });
      case 'broken':
        throw new DirectoryError('misconfigured', `${name}: user search: No such object (LDAP 32 noSuchObject)`, { directory: name });
      case 'crash':
        throw new TypeError('boom');
    }
  };
  return {
    name,
    authenticate: (username) => answer(username),
    findUser: async (username) => {
      try {
        return await answer(username);
      } catch (err) {
        if (err instanceof DirectoryError && err.reason === 'unknown_user') return null;
        throw err;
      }
    },
    listUsers: async () => [],
    groupsOf: async () => [],
    membersOf: async () => [],
    test: async () => ({ directory: name, url: `ldap://${name}`, ok: true, steps: [] }) satisfies DirectoryTestReport,
  };
}

function chain(...behaviours: Behaviour[]) {
  const asked: string[] = [];
  const directories = behaviours.map((b, i) => fake(`d${i + 1}`, b, asked));
  return { chain: new DirectoryChain(directories), asked };
}

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DirectoryError)) throw new Error(`expected a DirectoryError, got ${String(err)}`);
  return err;
}

describe('DirectoryChain.authenticate', () => {
  it('the first directory that knows the user answers', async () => {
    const { chain: c, asked } = chain('unknown', 'knows', 'knows');
    expect((await c.authenticate('alice', 'pw')).directory).toBe('d2');
    expect(asked).toEqual(['d1', 'd2']);
  });

  it('a wrong password stops the chain: no second chance elsewhere', async () => {
    const { chain: c, asked } = chain('wrong', 'knows');
    expect(await refusal(c.authenticate('alice', 'pw'))).toMatchObject({ code: 'invalid_credentials', reason: 'wrong_password', directory: 'd1' });
    expect(asked).toEqual(['d1']);
  });

  it('skips directories that are down or misconfigured', async () => {
    const { chain: c, asked } = chain('down', 'broken', 'knows');
    expect((await c.authenticate('alice', 'pw')).directory).toBe('d3');
    expect(asked).toEqual(['d1', 'd2', 'd3']);
  });

  it('unknown everywhere → invalid credentials', async () => {
    const { chain: c } = chain('unknown', 'unknown');
    expect(await refusal(c.authenticate('alice', 'pw'))).toMatchObject({ code: 'invalid_credentials', reason: 'unknown_user' });
  });

  it('nobody could answer → unavailable, naming every directory and its message', async () => {
    const { chain: c } = chain('down', 'broken');
    const err = await refusal(c.authenticate('alice', 'pw'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe(
      'cannot sign in: d1: connect: connect ECONNREFUSED 10.0.0.9:389; d2: user search: No such object (LDAP 32 noSuchObject)',
    );
  });

  it('unknown where it could ask, but one directory down → unavailable (the user may live there)', async () => {
    const { chain: c } = chain('unknown', 'down');
    expect((await refusal(c.authenticate('alice', 'pw'))).code).toBe('unavailable');
  });

  it('an unexpected exception counts as a directory that could not answer', async () => {
    const { chain: c } = chain('crash', 'knows');
    expect((await c.authenticate('alice', 'pw')).directory).toBe('d2');
    const alone = await refusal(chain('crash').chain.authenticate('alice', 'pw'));
    expect(alone).toMatchObject({ code: 'unavailable' });
    expect(alone.message).toBe('cannot sign in: d1: boom');
  });

  it('no directories → misconfigured', async () => {
    expect((await refusal(new DirectoryChain([]).authenticate('alice', 'pw'))).code).toBe('misconfigured');
  });
});

describe('DirectoryChain.findUser and test', () => {
  it('finds in order, null when nobody has the user, unavailable when someone could not say', async () => {
    expect((await chain('unknown', 'knows').chain.findUser('alice'))?.directory).toBe('d2');
    expect(await chain('unknown', 'unknown').chain.findUser('alice')).toBeNull();
    expect((await refusal(chain('unknown', 'down').chain.findUser('alice'))).code).toBe('unavailable');
  });

  it('tests every directory in order', async () => {
    expect((await chain('knows', 'down').chain.test('alice')).map((r) => r.directory)).toEqual(['d1', 'd2']);
  });
});
