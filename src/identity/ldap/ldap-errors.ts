/**
 * Errors of the directory layer. Callers only ever see a DirectoryError with one of three codes;
 * the server's own words are kept in `serverMessage` (for the log and the "LDAP test" report),
 * never shown to the person signing in.
 */

export type DirectoryErrorCode =
  /** The user is not known, the password is wrong, or the input was refused before asking. */
  | 'invalid_credentials'
  /** The server could not be reached or did not answer (down, timeout, busy). */
  | 'unavailable'
  /** The server answered, but our settings are wrong (service account, search base, TLS, filter). */
  | 'misconfigured';

/**
 * Why credentials were refused. Only the directory chain looks at this (an unknown user moves on
 * to the next directory); the person signing in is told the same thing in every case.
 */
export type InvalidCredentialsReason = 'unknown_user' | 'wrong_password' | 'rejected_input' | 'ambiguous_user';

/** Where in the conversation with the server something went wrong. */
export type DirectoryStep = 'connect' | 'bind' | 'search' | 'user-bind' | 'groups';

export class DirectoryError extends Error {
  readonly code: DirectoryErrorCode;
  readonly directory: string | undefined;
  readonly step: DirectoryStep | undefined;
  readonly reason: InvalidCredentialsReason | undefined;
  /** What the server (or the socket) said, verbatim; undefined when we refused on our own. */
  readonly serverMessage: string | undefined;

  constructor(
    code: DirectoryErrorCode,
    message: string,
    details: {
      directory?: string;
      step?: DirectoryStep;
      reason?: InvalidCredentialsReason;
      serverMessage?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DirectoryError';
    this.code = code;
    this.directory = details.directory;
    this.step = details.step;
    this.reason = details.reason;
    this.serverMessage = details.serverMessage;
  }
}

export function invalidCredentials(directory: string, reason: InvalidCredentialsReason, detail?: string): DirectoryError {
  return new DirectoryError('invalid_credentials', `${directory}: invalid credentials${detail ? ` (${detail})` : ''}`, {
    directory,
    reason,
  });
}

// Socket-level failures: nobody answered.
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND',
  'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL',
]);
const NETWORK_MESSAGES = /Connection timeout|Operation timed out|Socket connection not established|Connection closed|socket hang up/i;
// TLS problems are settings problems: wrong CA file, ldaps:// on a plain port, a name mismatch.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH)/;

/** LDAP result codes (RFC 4511 §4.1.9 and a few well-known extras) by number, for messages. */
const RESULT_NAMES: Record<number, string> = {
  1: 'operationsError', 2: 'protocolError', 3: 'timeLimitExceeded', 4: 'sizeLimitExceeded',
  7: 'authMethodNotSupported', 8: 'strongerAuthRequired', 10: 'referral', 11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension', 13: 'confidentialityRequired', 16: 'noSuchAttribute',
  17: 'undefinedAttributeType', 18: 'inappropriateMatching', 19: 'constraintViolation', 21: 'invalidAttributeSyntax',
  32: 'noSuchObject', 34: 'invalidDNSyntax', 48: 'inappropriateAuthentication', 49: 'invalidCredentials',
  50: 'insufficientAccessRights', 51: 'busy', 52: 'unavailable', 53: 'unwillingToPerform', 54: 'loopDetect',
  80: 'other', 112: 'TLS not supported',
};
// The server is there but cannot serve right now.
const TRANSIENT_RESULTS = new Set([3, 51, 52]);
// When checking a user's own password, these mean "no" (locked, disabled, expired, policy) — not "we are broken".
const USER_REFUSALS = new Set([19, 48, 49, 50, 53]);

/** The LDAP result code of an ldapts ResultCodeError, if that is what `err` is. */
export function ldapResultCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The server's (or the socket's) own message, made readable: ldapts appends " Code: 0x31" to the
 * diagnostic text and leaves the text empty when the server sent none, so the result code's name
 * is added. AD's diagnostic text ("80090308: LdapErr: ... data 52e") is kept whole.
 */
export function describeLdapError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const result = ldapResultCode(err);
  if (result !== undefined) {
    const text = err.message.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '').trim();
    const name = RESULT_NAMES[result] ?? 'unknown result';
    return text ? `${text} (LDAP ${result} ${name})` : `LDAP ${result} ${name}`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

/**
 * Turns whatever the LDAP client threw into a DirectoryError. `step` matters: invalidCredentials
 * from the service-account bind is a settings problem, from the user's own bind it is a wrong password.
 */
export function toDirectoryError(err: unknown, directory: string, step: DirectoryStep): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const serverMessage = describeLdapError(err);
  const make = (code: DirectoryErrorCode, reason?: InvalidCredentialsReason) =>
    new DirectoryError(code, `${directory}: ${STEP_LABEL[step]}: ${serverMessage}`, {
      directory,
      step,
      reason,
      serverMessage,
      cause: err,
    });
  const result = ldapResultCode(err);
  if (result !== undefined) {
    if (TRANSIENT_RESULTS.has(result)) return make('unavailable');
    if (step === 'user-bind' && USER_REFUSALS.has(result)) return make('invalid_credentials', 'wrong_password');
    return make('misconfigured');
  }
  const code = String((err as NodeJS.ErrnoException | null)?.code ?? '');
  if (TLS_CODE.test(code)) return make('misconfigured');
  if (NETWORK_CODES.has(code) || (err instanceof Error && NETWORK_MESSAGES.test(err.message))) return make('unavailable');
  // Not a server answer and not a socket error we know: say unavailable (retryable) rather than blame settings.
  return make('unavailable');
}

const STEP_LABEL: Record<DirectoryStep, string> = {
  connect: 'connect',
  bind: 'service account bind',
  search: 'user search',
  'user-bind': 'password check',
  groups: 'group search',
};
