/** Thrown when work needs the database while it is not reachable (yet); pages answer 503. */
export class DatabaseUnavailableError extends Error {
  readonly status = 503;
  constructor(reason?: string) {
    super(reason ? `the database is not available: ${reason}` : 'the database is not available');
    this.name = 'DatabaseUnavailableError';
  }
}
