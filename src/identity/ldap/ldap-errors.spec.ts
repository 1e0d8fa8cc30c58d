import { BusyError, InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, UnwillingToPerformError } from 'ldapts';
import { describeLdapError, DirectoryError, toDirectoryError } from './ldap-errors';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeLdapError', () => {
  it('names the LDAP result when the server sent no text', () => {
    expect(describeLdapError(new InvalidCredentialsError(''))).toBe('LDAP 49 invalidCredentials');
  });

  it('keeps the server’s diagnostic text whole (AD’s data codes matter)', () => {
    const ad = '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563';
    expect(describeLdapError(new InvalidCredentialsError(ad))).toBe(`${ad} (LDAP 49 invalidCredentials)`);
  });

  it('keeps socket messages and adds the code when missing', () => {
    expect(describeLdapError(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:389'))).toBe('connect ECONNREFUSED 127.0.0.1:389');
    expect(describeLdapError(socketError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'))).toBe(
      'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)',
    );
  });
});

describe('toDirectoryError', () => {
  it.each<[string, unknown, Parameters<typeof toDirectoryError>[2], string, string | undefined]>([
    ['a wrong user password', new InvalidCredentialsError(''), 'user-bind', 'invalid_credentials', 'wrong_password'],
    ['a locked account (AD: unwilling)', new UnwillingToPerformError(''), 'user-bind', 'invalid_credentials', 'wrong_password'],
    ['a refused service account', new InvalidCredentialsError(''), 'bind', 'misconfigured', undefined],
    ['a missing search base', new NoSuchObjectError(''), 'search', 'misconfigured', undefined],
    ['no read rights', new InsufficientAccessError(''), 'groups', 'misconfigured', undefined],
    ['a busy server', new BusyError(''), 'search', 'unavailable', undefined],
    ['a refused connection', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:389'), 'connect', 'unavailable', undefined],
    ['an unknown host', socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND dc9'), 'connect', 'unavailable', undefined],
    ['a connect timeout', new Error('Connection timeout'), 'connect', 'unavailable', undefined],
    ['an operation timeout', new Error('SearchRequest: Operation timed out'), 'search', 'unavailable', undefined],
    ['an untrusted certificate', socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), 'connect', 'misconfigured', undefined],
    ['a name mismatch', socketError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'connect', 'misconfigured', undefined],
  ])('%s', (_, err, step, code, reason) => {
    const mapped = toDirectoryError(err, 'corp', step);
    expect(mapped).toBeInstanceOf(DirectoryError);
    expect(mapped).toMatchObject({ code, reason, directory: 'corp', step });
    expect(mapped.message.startsWith('corp: ')).toBe(true);
    expect(mapped.serverMessage).toBe(describeLdapError(err));
  });

  it('passes a DirectoryError through untouched', () => {
    const original = new DirectoryError('misconfigured', 'x');
    expect(toDirectoryError(original, 'corp', 'search')).toBe(original);
  });
});
