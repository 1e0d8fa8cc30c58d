/**
 * A rule that refuses: carries a stable code (for the API), an i18n key (for people) and the
 * HTTP status. The global filter renders it as a page, an htmx fragment or `{code, message}`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly i18nKey: string,
    readonly status = 400,
    readonly vars: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

/** A record that does not exist or that the actor may not see: both answer the same. */
export class NotFoundError extends DomainError {
  constructor() {
    super('not_found', 'errors.not_found', 404);
  }
}
