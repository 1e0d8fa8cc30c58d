import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DatabaseUnavailableError } from '../database/database-errors';
import { I18nService } from '../i18n/i18n.service';
import { DomainError } from './domain-error';

interface Described {
  status: number;
  code: string;
  key: string;
  vars: Record<string, unknown>;
}

function describe(error: unknown): Described {
  if (error instanceof DomainError) return { status: error.status, code: error.code, key: error.i18nKey, vars: error.vars };
  if (error instanceof DatabaseUnavailableError) return { status: 503, code: 'unavailable', key: 'errors.unavailable', vars: {} };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return { status, code: 'not_found', key: 'errors.not_found', vars: {} };
    if (status === 400) return { status, code: 'invalid_input', key: 'errors.invalid_form', vars: {} };
    if (status === 413) return { status, code: 'too_large', key: 'errors.too_large', vars: {} };
    if (status < 500) return { status, code: 'rejected', key: 'errors.forbidden', vars: {} };
  }
  return { status: 500, code: 'server_error', key: 'errors.server', vars: {} };
}

export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || (!req.accepts('html') && !!req.accepts('json'));
}

/**
 * The one place errors reach people: an error page, or `{code, message, requestId}` for the API.
 * Users see the request id, never a stack trace; the log has the rest.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  constructor(private readonly i18n: I18nService) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    this.respond(error, req, res);
  }

  respond(error: unknown, req: Request, res: Response): void {
    const described = describe(error);
    const requestId = String(req.id ?? '');
    if (described.status >= 500) this.log.error({ err: error, requestId }, `request ${requestId} failed`);
    if (res.headersSent) return void res.end();
    const lang = req.lang ?? 'en';
    const message = this.i18n.t(lang, described.key, { ...described.vars, requestId });
    if (wantsJson(req)) return void res.status(described.status).json({ code: described.code, message, requestId });
    if (described.status === 401) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    res.status(described.status).render('errors/error', {
      layout: 'bare',
      lang,
      title: this.i18n.t(lang, 'errors.title'),
      status: described.status,
      message,
      requestId,
    }, (renderError, html) => {
      if (renderError) res.type('text/plain').send(`${described.status} ${message}`);
      else res.send(html);
    });
  }
}
