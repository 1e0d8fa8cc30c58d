/**
 * Every configuration key Opora reads, declared once: type, default, description and whether it
 * is a secret. The loader, the config reference in docs/admin.md and config/example.env are all
 * derived from this list, so a key added here is documented everywhere at once.
 *
 * Names: a YAML key `section.key` (written nested in the files) is the environment variable
 * `SECTION__KEY`; top-level keys are plain upper-case names (`port` ↔ `PORT`).
 */
export type ConfigType =
  | { kind: 'string'; minLength?: number; maxLength?: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'url'; protocols: readonly string[] }
  | { kind: 'enum'; values: readonly string[] };

export interface ConfigKey<T> {
  readonly type: ConfigType;
  /** `undefined` means: optional, and absent unless someone sets it. */
  readonly default: T;
  readonly description: string;
  readonly secret?: boolean;
}

const str = (description: string, fallback: string, extra: { minLength?: number; secret?: boolean } = {}): ConfigKey<string> => ({
  type: { kind: 'string', minLength: extra.minLength },
  default: fallback,
  description,
  secret: extra.secret,
});
const int = (description: string, fallback: number, min: number, max: number): ConfigKey<number> => ({
  type: { kind: 'int', min, max },
  default: fallback,
  description,
});

export const CONFIG_KEYS = {
  port: int('TCP port the web server listens on (0 picks a free one, for tests).', 3000, 0, 65535),
  host: str('Address the web server binds to. 127.0.0.1 keeps it local (put nginx in front); 0.0.0.0 listens on every interface.', '127.0.0.1'),
  app_url: {
    type: { kind: 'url', protocols: ['http:', 'https:'] },
    default: 'http://localhost:3000',
    description: 'Public base URL of this desk, used in links sent by e-mail and printed to the log.',
  } as ConfigKey<string>,
  database_url: {
    type: { kind: 'url', protocols: ['postgres:', 'postgresql:'] },
    default: undefined,
    description: 'PostgreSQL (15 or newer) connection URL. When absent, the embedded database under DATA_DIR is used.',
    secret: true,
  } as ConfigKey<string | undefined>,
  data_dir: str('Directory for the embedded database, the generated secret key, attachments and the lock file.', './data'),
  secret_key: {
    type: { kind: 'string', minLength: 32 },
    default: undefined,
    description:
      'Key that signs links and encrypts secrets at rest (at least 32 characters). Generated once under DATA_DIR when absent; must be set explicitly, and the same, on every node when several share one database.',
    secret: true,
  } as ConfigKey<string | undefined>,
  'database.pool_size': int('Connections in the database pool.', 10, 1, 200),
  'database.connect_retry_max_seconds': int('Longest pause between attempts to reach an unavailable database (the pause doubles up to this).', 30, 1, 600),
  'log.level': {
    type: { kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
    default: 'info',
    description: 'Least severe log level written (JSON lines on standard output).',
  } as ConfigKey<string>,
  'session.idle_minutes': int('A session not used for this long is signed out.', 120, 5, 60 * 24 * 30),
  'session.absolute_hours': int('A session older than this is signed out however active it is.', 12, 1, 24 * 90),
  'session.secure_cookie': {
    type: { kind: 'bool' },
    default: false,
    description: 'Mark the session cookie Secure (turn on when the desk is served over HTTPS).',
  } as ConfigKey<boolean>,
  'security.login_max_attempts': int('Failed sign-ins allowed per address and per user name within the window before sign-in is refused.', 10, 1, 1000),
  'security.login_window_minutes': int('Window for counting failed sign-ins.', 15, 1, 24 * 60),
  'security.setup_link_minutes': int('How long the first-admin setup link stays valid.', 60, 5, 24 * 60),
  'auth.local_staff_sign_in': {
    type: { kind: 'bool' },
    default: true,
    description:
      'Let staff sign in with a local password. Turn off once directories (LDAP/AD) are set up: staff then sign in through the directory only; requesters and local administrators (the break-glass account) keep their passwords.',
  } as ConfigKey<boolean>,
  'ldap.sync_minutes': int('How often directory users are synchronised (names, mail, groups, roles; leavers deactivated). 0 turns the scheduled sync off.', 60, 0, 24 * 60),
  'security.reset_link_minutes': int('How long a password-reset link stays valid.', 60, 5, 24 * 60),
  'security.sign_in_link_minutes': int('How long an e-mailed sign-in link (requesters) stays valid.', 15, 5, 24 * 60),
  'security.invitation_days': int('How long an invitation link stays valid.', 7, 1, 60),
  'security.link_requests_per_hour': int('E-mailed links (reset, sign-in, registration) one address or one client may ask for per hour.', 5, 1, 1000),
  'mail.smtp_host': {
    type: { kind: 'string' },
    default: undefined,
    description: 'SMTP server for outgoing mail. Without it mail waits in the outbox until one is set.',
  } as ConfigKey<string | undefined>,
  'mail.smtp_port': int('SMTP port (587 for submission with STARTTLS, 465 for implicit TLS, 25).', 587, 1, 65535),
  'mail.smtp_secure': {
    type: { kind: 'bool' },
    default: false,
    description: 'Connect with TLS from the start (port 465). Otherwise STARTTLS is used when the server offers it.',
  } as ConfigKey<boolean>,
  'mail.smtp_require_tls': {
    type: { kind: 'bool' },
    default: false,
    description: 'Refuse to send unless the server accepts STARTTLS.',
  } as ConfigKey<boolean>,
  'mail.smtp_user': { type: { kind: 'string' }, default: undefined, description: 'SMTP user name, when the server wants one.' } as ConfigKey<string | undefined>,
  'mail.smtp_password': { type: { kind: 'string' }, default: undefined, description: 'SMTP password.', secret: true } as ConfigKey<string | undefined>,
  'mail.from': str('The From of mail Opora sends, e.g. "Service desk <desk@example.com>".', 'Opora <opora@localhost>'),
  'mail.poll_seconds': int('How often the outbox is checked for mail to send.', 5, 1, 3600),
  'mail.intake_poll_seconds': int('How often each active mailbox is read for new mail. 0 stops the schedule (the CLI and the admin page can still poll).', 60, 0, 86400),
  'mail.intake_idle': {
    type: { kind: 'bool' },
    default: true,
    description: 'Keep an IMAP IDLE connection to each mailbox whose server offers it, so new mail is read at once (the schedule still runs).',
  } as ConfigKey<boolean>,
  'mail.max_attempts': int('Delivery attempts before a message is marked failed (an admin can retry it).', 10, 1, 100),
  'attachments.max_file_mb': int('Largest file that may be attached to a ticket, in megabytes.', 25, 1, 2048),
  'attachments.max_files': int('Most files one form or API call may attach.', 10, 1, 100),
  'tickets.auto_close_days': int('Resolved tickets the requester neither accepted nor rejected are closed after this many days. 0 keeps them resolved.', 7, 0, 365),
  'hooks.handler_timeout_ms': int('Longest a single hook handler may run before it is skipped (filters) or vetoes (in-transaction actions).', 5000, 10, 600000),
  'hooks.max_depth': int('How deeply hooks may trigger each other before the run is stopped with an error.', 10, 1, 100),
  'shutdown.grace_seconds': int('On SIGTERM, how long running requests may take to finish before the process exits.', 10, 1, 300),
} satisfies Record<string, ConfigKey<unknown>>;

export type ConfigName = keyof typeof CONFIG_KEYS;
export type ConfigValues = { readonly [K in ConfigName]: (typeof CONFIG_KEYS)[K]['default'] };

/** `section.key` → `SECTION__KEY`. */
export function envNameOf(key: string): string {
  return key.toUpperCase().replace(/\./g, '__');
}
