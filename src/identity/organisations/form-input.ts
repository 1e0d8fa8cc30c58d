import { Transform } from 'class-transformer';
import type { Request, Response } from 'express';
import type { I18nService } from '../../kernel/i18n/i18n.service';
import type { PageService } from '../../kernel/web/page.service';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { fieldOf } from './named-records';

/*
 * Form plumbing shared by the admin pages of organisations and work groups: the checkbox
 * decorator, the list's query string, and a refusal turned into messages beside the fields.
 */

/**
 * A checkbox as forms send it ("on" when ticked, nothing when not) or a JSON boolean. Anything
 * else is left for @IsBoolean to refuse.
 */
export const Checkbox = () =>
  Transform(({ value }: { value: unknown }) => (value === 'on' || value === 'true' ? true : value === 'false' ? false : value));

/** A list's query string: search text and the cursor of a "next page" link. */
export interface ListQuery {
  q?: string;
  cursor?: string;
}

/**
 * A list's query from the raw query string, which also carries other parameters (`lang`), so the
 * global pipe is not used on it. Repeated parameters are read as absent.
 */
export function listQueryOf(raw: Record<string, unknown>): ListQuery {
  const text = (value: unknown) => (typeof value === 'string' && value.length <= 2000 ? value : undefined);
  const q = text(raw.q);
  const cursor = text(raw.cursor);
  return { ...(q === undefined ? {} : { q }), ...(cursor === undefined ? {} : { cursor }) };
}

/** The list page's links: the next page (keyset, no total) and back to the first. */
export function listLinks(base: string, query: ListQuery, next: string | null) {
  const q = query.q?.trim() ?? '';
  const search: Array<[string, string]> = q === '' ? [] : [['q', q]];
  return {
    next: next ? `${base}?${new URLSearchParams([...search, ['cursor', next]])}` : null,
    first: query.cursor ? `${base}${search.length ? `?${new URLSearchParams(search)}` : ''}` : null,
    searched: q !== '',
  };
}

/** A refusal as a form shows it: beside its field when it names one, else above the form. */
export function refusalMessages(i18n: I18nService, lang: string, error: DomainError): { errors: Record<string, string>; error?: string } {
  const message = i18n.t(lang, error.i18nKey, error.vars);
  const field = fieldOf(error);
  return field ? { errors: { [field]: message }, error: i18n.t(lang, 'errors.invalid_form') } : { errors: {}, error: message };
}

/** For a small form with one message above it: the field's own message rather than "the form has errors". */
export function firstMessage(refusal: { errors: Record<string, string>; error?: string }): string | undefined {
  return Object.values(refusal.errors)[0] ?? refusal.error;
}

/** A refusal a page shows beside its form; anything else (404, 403, bugs) goes to the error filter. */
export function formRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && !(error instanceof NotFoundError) && error.status !== 403;
}

/** The form's refusal shape: messages by field, and one for the whole form. */
export type Refusal = { errors: Record<string, string>; error?: string };

/**
 * Runs a form's work: on success a flash message and a redirect to where `work` says; on a
 * refusal the form again, with the status, the message beside its field and what was typed kept
 * (`showAgain` renders it). Anything else (404, 403, bugs) goes to the error filter.
 */
export async function submitForm(
  req: Request,
  res: Response,
  deps: { pages: PageService; i18n: I18nService },
  work: () => Promise<string>,
  doneKey: string,
  showAgain: (refusal: Refusal) => Promise<void>,
): Promise<void> {
  try {
    const to = await work();
    deps.pages.flash(req, 'success', doneKey);
    res.redirect(303, to);
  } catch (error) {
    if (!formRefusal(error)) throw error;
    res.status(error.status);
    await showAgain(refusalMessages(deps.i18n, req.lang, error));
  }
}
